#!/usr/bin/env node
'use strict';
// The one table of a side-by-side run: for each figure the issue sets a target on, the peer's, Chorus's, their
// ratio, the target and whether Chorus meets it. Reads the shared bench's result-*.json of both run folders and the
// failover.json of bench/failover and idle-large.json of bench/idle-large.
//
//   node bench/targets.js PEER_RUN_DIR CHORUS_RUN_DIR [PEER_FAILOVER_JSON CHORUS_FAILOVER_JSON [PEER_STORM_JSON
//     CHORUS_STORM_JSON [PEER_IDLE_LARGE_JSON CHORUS_IDLE_LARGE_JSON]]]

const fs = require('fs');
const path = require('path');

const [peerDir, chorusDir, peerFailover, chorusFailover, peerStorm, chorusStorm, peerIdleLarge, chorusIdleLarge] =
  process.argv.slice(2);
// A run with only bench/ scenarios has no run folder of the shared bench: its arguments are empty.
if (process.argv.length < 4) {
  console.error('usage: node bench/targets.js PEER_RUN_DIR CHORUS_RUN_DIR [PEER_FAILOVER_JSON CHORUS_FAILOVER_JSON'
    + ' [PEER_STORM_JSON CHORUS_STORM_JSON [PEER_IDLE_LARGE_JSON CHORUS_IDLE_LARGE_JSON]]]');
  process.exit(2);
}

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (_) {
    return null;
  }
}

const result = (dir, scenario) => (dir ? read(path.join(dir, `result-${scenario}.json`)) : null);
const firstRun = (r, label) => (r ? (label ? r.runs.find((x) => x.label && x.label.includes(label)) : r.runs[0]) : null);

const fmt = (x) => {
  if (x == null || Number.isNaN(x)) return '–';
  if (typeof x !== 'number') return String(x);
  if (Math.abs(x) >= 100) return String(Math.round(x));
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
};

const rows = [];
// check(chorus, peer) → true/false, or null when it cannot be judged
function row(scenario, figure, peer, chorus, target, check) {
  const ratio = typeof peer === 'number' && typeof chorus === 'number' && peer !== 0 ? chorus / peer : null;
  const met = chorus == null ? null : check(chorus, peer, ratio);
  rows.push(`| ${scenario} | ${figure} | ${fmt(peer)} | ${fmt(chorus)} | ${ratio == null ? '–' : `${fmt(ratio)}×`} | `
    + `${target} | ${met == null ? '–' : met ? 'yes' : '**no**'} |`);
}

// fanout: the highest rate held; server CPU per delivery at every step, the target at the peer's highest held rate
// (≤ 0.5×) and at the highest step both ran (≤ 0.3×)
{
  const peer = firstRun(result(peerDir, 'fanout'));
  const chorus = firstRun(result(chorusDir, 'fanout'));
  if (peer || chorus) {
    const step = (run, rate) => (run ? run.steps.find((s) => s.rate === rate) : null);
    const held = (run) => (run && run.max_held ? run.max_held.rate : 0);
    const rates = [...new Set([...(peer ? peer.steps : []), ...(chorus ? chorus.steps : [])].map((s) => s.rate))]
      .sort((a, b) => a - b);
    const both = rates.filter((rate) => step(peer, rate) && step(chorus, rate));
    const highestBoth = both.length ? both[both.length - 1] : null;
    for (const rate of rates) {
      const p = step(peer, rate);
      const c = step(chorus, rate);
      let target = '';
      let check = () => null;
      if (peer && rate === held(peer)) {
        target = '≤ 0.5× (peer\'s highest held)';
        check = (x, y, r) => (r == null ? null : r <= 0.5);
      } else if (rate === highestBoth) {
        target = '≤ 0.3× (highest both ran)';
        check = (x, y, r) => (r == null ? null : r <= 0.3);
      }
      row('fanout', `${rate} msg/s: server CPU µs/delivery`, p && p.server_cpu_us_per_delivery,
        c && c.server_cpu_us_per_delivery, target, check);
      row('fanout', `${rate} msg/s: p99 ms`, p && p.latency_ms.p99, c && c.latency_ms.p99, '', () => null);
    }
    row('fanout', 'max held msg/s (p99 < 100 ms, no loss)', peer && held(peer), chorus && held(chorus), '≥ 4×',
      (x, y, r) => (r == null ? null : r >= 4));
  }
}

// connect: the rate clients logged in, connected and joined at in the fanout and rooms connect phases (≥ 2×)
for (const scenario of ['fanout', 'rooms']) {
  const rate = (dir) => {
    const run = firstRun(result(dir, scenario));
    return run && run.connect ? run.connect.rate_per_s : null;
  };
  const peer = rate(peerDir);
  const chorus = rate(chorusDir);
  if (peer != null || chorus != null) {
    row(scenario, 'connect rate /s', peer, chorus, '≥ 2×', (x, y, r) => (r == null ? null : r >= 2));
  }
}

// rooms: at steady state (ROOMS_WARMUP=30, run as rooms-steady) ≤ 0.5× the peer's CPU per message and p99; at the
// shared bench's default 5 s warm-up within 1.5× of that (≤ 0.75×)
for (const [scenario, bound] of [['rooms-steady', 0.5], ['rooms', 0.75]]) {
  const peer = firstRun(result(peerDir, scenario));
  const chorus = firstRun(result(chorusDir, scenario));
  if (peer || chorus) {
    const s = (run) => (run ? run.steps[0] : null);
    row(scenario, 'p99 ms', s(peer) && s(peer).latency_ms.p99, s(chorus) && s(chorus).latency_ms.p99, `≤ ${bound}×`,
      (x, y, r) => (r == null ? null : r <= bound));
    row(scenario, 'server CPU µs/message', s(peer) && s(peer).server_cpu_us_per_message,
      s(chorus) && s(chorus).server_cpu_us_per_message, `≤ ${bound}×`, (x, y, r) => (r == null ? null : r <= bound));
    row(scenario, 'lost', peer && peer.lost, chorus && chorus.lost, '0', (x) => x === 0);
  }
}

// idle: RSS per logged-in idle connection at every stage
{
  const stages = (r) => {
    const run = firstRun(r);
    return run && run.idle ? run.idle.stages : [];
  };
  // bench/idle-large's stages (up to 19 000) after the shared idle's; a count both measured keeps the shared one's
  const large = (file) => {
    const r = file ? read(file) : null;
    return r && r.idle ? r.idle.stages : [];
  };
  const merged = (shared, own) => [...shared, ...own.filter((s) => !shared.some((t) => t.connections === s.connections))];
  const peer = merged(stages(result(peerDir, 'idle')), large(peerIdleLarge));
  const chorus = merged(stages(result(chorusDir, 'idle')), large(chorusIdleLarge));
  const counts = [...new Set([...peer, ...chorus].map((s) => s.connections))].sort((a, b) => a - b);
  for (const conns of counts) {
    const p = peer.find((s) => s.connections === conns);
    const c = chorus.find((s) => s.connections === conns);
    row('idle', `server RSS KB/connection at ${conns}`, p && p.server_rss_per_conn_kb,
      c && c.server_rss_per_conn_kb, conns >= 10000 ? '≤ 6 KB' : '', conns >= 10000 ? (x) => x <= 6 : () => null);
  }
}

// polling through the round-robin proxy
{
  const failed = (dir) => {
    const run = firstRun(result(dir, 'polling'), 'nonsticky');
    return run ? run.connect.clients - run.connect.joined : null;
  };
  const peer = failed(peerDir);
  const chorus = failed(chorusDir);
  if (peer != null || chorus != null) {
    row('polling', 'clients failed through the round-robin proxy', peer, chorus, '0', (x) => x === 0);
  }
}

// failover and the reconnect storm (bench/failover): every client of the killed node back, p99 ≤ 3 s, nothing lost
for (const [scenario, peerFile, chorusFile] of [['failover', peerFailover, chorusFailover],
  ['storm', peerStorm, chorusStorm]]) {
  const peer = peerFile ? read(peerFile) : null;
  const chorus = chorusFile ? read(chorusFile) : null;
  if (!peer && !chorus) continue;
  const back = (f) => (f ? `${f.came_back}/${f.on_killed_node}` : null);
  row(scenario, 'clients of the killed node back', back(peer), back(chorus), 'all',
    () => (chorus ? chorus.came_back === chorus.on_killed_node : null));
  row(scenario, 'reconnection p99 ms', peer && peer.reconnect_ms.p99, chorus && chorus.reconnect_ms.p99, '≤ 3000',
    (x) => x <= 3000);
  row(scenario, 'deliveries lost', peer && peer.lost, chorus && chorus.lost, '0', (x) => x === 0);
}

console.log('| scenario | figure | peer | Chorus | Chorus / peer | target | met |');
console.log('| --- | --- | ---: | ---: | ---: | --- | --- |');
rows.forEach((r) => console.log(r));
