#!/usr/bin/env node
'use strict';
// The one table of a side-by-side run: for each figure the issue sets a target on, the peer's, Chorus's, their
// ratio, the target and whether Chorus meets it. Reads the shared bench's result-*.json of both run folders and the
// failover.json of bench/failover.
//
//   node bench/targets.js PEER_RUN_DIR CHORUS_RUN_DIR [PEER_FAILOVER_JSON CHORUS_FAILOVER_JSON]

const fs = require('fs');
const path = require('path');

const [peerDir, chorusDir, peerFailover, chorusFailover] = process.argv.slice(2);
if (!peerDir || !chorusDir) {
  console.error('usage: node bench/targets.js PEER_RUN_DIR CHORUS_RUN_DIR [PEER_FAILOVER_JSON CHORUS_FAILOVER_JSON]');
  process.exit(2);
}

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (_) {
    return null;
  }
}

const result = (dir, scenario) => read(path.join(dir, `result-${scenario}.json`));
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

// fanout: server CPU per delivery at every step both held, and the highest rate held
{
  const peer = firstRun(result(peerDir, 'fanout'));
  const chorus = firstRun(result(chorusDir, 'fanout'));
  if (peer || chorus) {
    const step = (run, rate) => (run ? run.steps.find((s) => s.rate === rate) : null);
    const rates = [...new Set([...(peer ? peer.steps : []), ...(chorus ? chorus.steps : [])].map((s) => s.rate))]
      .sort((a, b) => a - b);
    for (const rate of rates) {
      const p = step(peer, rate);
      const c = step(chorus, rate);
      row('fanout', `${rate} msg/s: server CPU µs/delivery`, p && p.server_cpu_us_per_delivery,
        c && c.server_cpu_us_per_delivery, '≤ 0.2×', (x, y, r) => (r == null ? null : r <= 0.2));
      row('fanout', `${rate} msg/s: p99 ms`, p && p.latency_ms.p99, c && c.latency_ms.p99, '',
        () => null);
    }
    const held = (run) => (run && run.max_held ? run.max_held.rate : 0);
    row('fanout', 'max held msg/s (p99 < 100 ms, no loss)', peer && held(peer), chorus && held(chorus), '≥ 3×',
      (x, y, r) => (r == null ? null : r >= 3));
  }
}

// rooms
{
  const peer = firstRun(result(peerDir, 'rooms'));
  const chorus = firstRun(result(chorusDir, 'rooms'));
  if (peer || chorus) {
    const s = (run) => (run ? run.steps[0] : null);
    row('rooms', 'p99 ms', s(peer) && s(peer).latency_ms.p99, s(chorus) && s(chorus).latency_ms.p99, '≤ 0.33×',
      (x, y, r) => (r == null ? null : r <= 1 / 3));
    row('rooms', 'server CPU µs/message', s(peer) && s(peer).server_cpu_us_per_message,
      s(chorus) && s(chorus).server_cpu_us_per_message, '≤ 0.2×', (x, y, r) => (r == null ? null : r <= 0.2));
    row('rooms', 'lost', peer && peer.lost, chorus && chorus.lost, '0', (x) => x === 0);
  }
}

// idle: RSS per logged-in idle connection at the last stage
{
  const last = (r) => {
    const run = firstRun(r);
    return run && run.idle ? run.idle.stages[run.idle.stages.length - 1] : null;
  };
  const peer = last(result(peerDir, 'idle'));
  const chorus = last(result(chorusDir, 'idle'));
  if (peer || chorus) {
    const conns = (chorus || peer).connections;
    row('idle', `server RSS KB/connection at ${conns}`, peer && peer.server_rss_per_conn_kb,
      chorus && chorus.server_rss_per_conn_kb, '≤ 8 KB', (x) => x <= 8);
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

// failover (bench/failover)
if (peerFailover || chorusFailover) {
  const peer = peerFailover ? read(peerFailover) : null;
  const chorus = chorusFailover ? read(chorusFailover) : null;
  const back = (f) => (f ? `${f.came_back}/${f.on_killed_node}` : null);
  row('failover', 'clients of the killed node back', back(peer), back(chorus), 'all',
    () => (chorus ? chorus.came_back === chorus.on_killed_node : null));
  row('failover', 'reconnection p99 ms', peer && peer.reconnect_ms.p99, chorus && chorus.reconnect_ms.p99, '≤ 3000',
    (x) => x <= 3000);
  row('failover', 'deliveries lost', peer && peer.lost, chorus && chorus.lost, '0', (x) => x === 0);
}

console.log('| scenario | figure | peer | Chorus | Chorus / peer | target | met |');
console.log('| --- | --- | ---: | ---: | ---: | --- | --- |');
rows.forEach((r) => console.log(r));
