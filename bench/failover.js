#!/usr/bin/env node
'use strict';
// The failover scenario: clients chat in rooms on a cluster of nodes that follow the shared bench's contract
// (../../shared/bench/README.md), then the first node is killed with SIGKILL. Measures whether the killed node's
// clients come back on another node, how fast, whether Socket.IO recovered their sessions, and whether every
// acknowledged message still reached every member of its room exactly once and in order.
//
//   NODE_PATH=$BENCH_WORK/loadgen/node_modules node failover.js --targets URL,URL --proxies URL,URL --kill-pgid PGID
//
// Starts no server and no proxy (bench/failover does, each node in its own process group, and a failover proxy per
// node: HAProxy, which hands a connection to its node, or to another once that one refuses). A client connects
// through its node's proxy. Prints one JSON object on stdout; progress, then one RESULT line, on stderr.
const { parseArgs } = require('util');
const { io } = require('socket.io-client');
const { cpuMeter, groupPids, between } = require('./cpu-window');

const { values: opt } = parseArgs({
  options: {
    targets: { type: 'string' },
    proxies: { type: 'string' }, // the failover proxy of each target, in the same order
    'kill-pgid': { type: 'string' },
    clients: { type: 'string', default: '1000' },
    rooms: { type: 'string', default: '20' },
    publishers: { type: 'string', default: '20' },
    rate: { type: 'string', default: '100' }, // messages per second over all publishers
    warmup: { type: 'string', default: '5' }, // seconds of chat before the kill
    after: { type: 'string', default: '10' }, // seconds of chat after it
    'back-within': { type: 'string', default: '10' }, // seconds after the kill a client must be back by
    drain: { type: 'string', default: '10' }, // longest wait for the last deliveries once the chat stopped
    'ack-timeout': { type: 'string', default: '5' },
    'connect-concurrency': { type: 'string', default: '100' },
    'max-time': { type: 'string', default: '120' },
    label: { type: 'string', default: '' },
    // Processes whose CPU is counted from the kill to the last client's return: name:PGID[+PGID...],... (process
    // groups, summed under the name).
    watch: { type: 'string', default: '' },
  },
});
const num = (name) => {
  const n = Number(opt[name]);
  if (!(n >= 0)) throw new Error(`--${name} must be a number`);
  return n;
};
const targets = (opt.targets || '').split(',').filter(Boolean);
const pgid = Number(opt['kill-pgid']);
const proxies = (opt.proxies || '').split(',').filter(Boolean);
if (targets.length < 2 || proxies.length !== targets.length || !(pgid > 1)) {
  console.error('usage: failover.js --targets URL,URL[,...] --proxies URL,URL[,...] --kill-pgid PGID'
    + ' (the first target\'s process group)');
  process.exit(2);
}
for (const t of [...targets, ...proxies]) {
  const u = new URL(t);
  if (u.protocol !== 'http:' || !/^127\.\d+\.\d+\.\d+$/.test(u.hostname)) throw new Error(`not a loopback address: ${t}`);
}
const CLIENTS = num('clients');
const ROOMS = num('rooms');
const PUBLISHERS = Math.min(num('publishers'), CLIENTS);
const ACK_MS = num('ack-timeout') * 1000;
const SEQ_SPAN = 1e7; // a delivery's key: publisher * SEQ_SPAN + seq

const errors = {};
const count = (what) => { errors[what] = (errors[what] || 0) + 1; };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...a) => console.error(`[failover ${opt.label}]`, ...a);
const deadline = setTimeout(() => finish('timed out'), num('max-time') * 1000);

async function login(base, user) {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: 'bench-pass' }),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`login HTTP ${res.status}`);
  // Every cookie the server set, as the shared bench's cookie jar sends them back.
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

const clients = [];
const acked = new Map(Array.from({ length: ROOMS }, (_, r) => [`room-${r}`, []])); // room -> keys of acked messages
const pending = new Set(); // message acks still awaited
let killAt = null;
const cpuSamples = []; // from the kill on, a snapshot a quarter second (cpu-window.js)
let publishing = false;
let onKilledNode = 0;
const totals = { sent: 0, acked: 0, notAcked: 0, skipped: 0 };

function newClient(i) {
  const room = i % ROOMS;
  const member = Math.floor(i / ROOMS);
  return {
    i,
    room: `room-${room}`,
    node: (room + member) % targets.length, // each room's members alternate between the nodes
    socket: null,
    inRoom: false,
    joined: null, // resolves at the first join
    seen: new Set(),
    last: new Map(), // publisher -> highest seq received
    duplicated: 0,
    outOfOrder: 0,
    dropped: false, // lost its connection after the kill
    backMs: null, // kill -> connected again
    attemptAt: null, // the client's last reconnection attempt
    handshakeMs: null, // that attempt -> connected: the server's part of backMs, the rest is the client's delay
    recovered: null,
    seq: 0,
  };
}

function connect(c, url, cookie) {
  // The client's default reconnection delays (1 s, ±50 %, doubling): what a browser does, so part of the time back.
  const socket = io(url, { transports: ['websocket'], forceNew: true, extraHeaders: { Cookie: cookie } });
  c.socket = socket;
  let joined;
  c.joined = new Promise((resolve) => { joined = resolve; });
  socket.io.on('reconnect_attempt', () => { c.attemptAt = Date.now(); });
  socket.on('connect', () => {
    if (c.dropped && c.backMs === null) {
      c.backMs = Date.now() - killAt;
      c.handshakeMs = Date.now() - c.attemptAt;
      c.recovered = socket.recovered;
    }
    if (socket.recovered) {
      c.inRoom = true; // the server kept the rooms and replayed what was missed
      return;
    }
    // A new session (first connect, or recovery refused or not offered): join again, as a chat client must.
    socket.timeout(ACK_MS).emitWithAck('join', { room: c.room }).then((reply) => {
      if (!reply || !reply.ok) return count('join_refused');
      c.inRoom = socket.connected;
      joined();
    }, () => count('join_timeout'));
  });
  socket.on('disconnect', (reason) => {
    c.inRoom = false;
    if (killAt === null) count(`disconnect before the kill: ${reason}`);
    else c.dropped = true;
  });
  socket.on('connect_error', (e) => count(`connect_error: ${e && e.message}`));
  socket.on('message', (m) => {
    const [, p, s] = String(m && m.text).split(':'); // fo:<publisher>:<seq>
    const pub = Number(p);
    const seq = Number(s);
    if (!m || m.room !== c.room || !Number.isInteger(pub) || !Number.isInteger(seq)) return count('bad_message');
    const key = pub * SEQ_SPAN + seq;
    if (c.seen.has(key)) return void c.duplicated++;
    c.seen.add(key);
    if (seq < (c.last.get(pub) ?? -1)) c.outOfOrder++;
    else c.last.set(pub, seq);
  });
}

// One message of publisher c, sent only while it is in its room (a client does not chat while it is away). Only an
// acknowledged message is expected at the receivers: one whose ack never came was not accepted.
function publish(c) {
  if (!publishing) return;
  if (!c.inRoom) return void totals.skipped++;
  const seq = c.seq++;
  const key = c.i * SEQ_SPAN + seq;
  totals.sent++;
  const p = c.socket.timeout(ACK_MS).emitWithAck('message', { room: c.room, text: `fo:${c.i}:${seq}` }).then((reply) => {
    if (reply && reply.id !== undefined) {
      totals.acked++;
      acked.get(c.room).push(key);
    } else {
      totals.notAcked++;
      count(`message refused: ${JSON.stringify(reply)}`);
    }
  }, () => totals.notAcked++).finally(() => pending.delete(p));
  pending.add(p);
}

function missing(c) {
  let n = 0;
  for (const key of acked.get(c.room)) if (!c.seen.has(key)) n++;
  return n;
}

function windowText(w) {
  if (!w) return '';
  const cpu = Object.entries(w.cpu_s).map(([name, s]) => `${name === 'self' ? 'clients' : name} ${s}`).join(', ');
  return ` | kill → ${w.until} ${w.ms} ms, cpu s: ${cpu}; machine ${w.machine_busy_pct}% busy`;
}

function percentiles(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => (v.length ? v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] : null);
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

// The process groups --watch names (the failover proxies, the surviving nodes, Redis), as they are before the kill.
function watchedCpu() {
  const named = {};
  for (const spec of opt.watch.split(',').filter(Boolean)) {
    const [name, groups] = spec.split(':');
    named[name] = groups.split('+').flatMap((group) => groupPids(Number(group)));
  }
  return cpuMeter(named);
}

// From the kill to the last client back (to the end of the chat if some never came): how long, and the CPU each
// part of the machine spent in it. Where the machine is full, this says whose the time was.
function killWindow(dropped) {
  if (cpuSamples.length < 2) return null;
  const backMs = dropped.filter((c) => c.backMs !== null).map((c) => c.backMs);
  const allBack = backMs.length === dropped.length && backMs.length > 0;
  const end = allBack ? cpuSamples.find((s) => s.at >= killAt + Math.max(...backMs)) : null;
  return { until: end ? 'last client back' : 'end of the chat', ...between(cpuSamples[0], end || cpuSamples.at(-1)) };
}

function finish(error) {
  clearTimeout(deadline);
  const dropped = clients.filter((c) => c.dropped);
  const back = dropped.filter((c) => c.backMs !== null && c.backMs <= num('back-within') * 1000);
  let expected = 0;
  let lost = 0;
  let lostClients = 0;
  let deliveredUnacked = 0;
  for (const c of clients) {
    const keys = acked.get(c.room);
    const m = missing(c);
    expected += keys.length;
    lost += m;
    if (m > 0) lostClients++;
    deliveredUnacked += c.seen.size - (keys.length - m);
  }
  const sum = (k) => clients.reduce((n, c) => n + c[k], 0);
  const result = {
    label: opt.label,
    error: error || null,
    targets,
    killed: targets[0],
    clients: CLIENTS,
    connected: clients.filter((c) => c.socket && c.socket.connected).length,
    rooms: ROOMS,
    publishers: PUBLISHERS,
    rate: num('rate'),
    on_killed_node: onKilledNode,
    dropped: dropped.length,
    came_back: back.length,
    back_within_s: num('back-within'),
    reconnect_ms: percentiles(dropped.filter((c) => c.backMs !== null).map((c) => c.backMs)),
    handshake_ms: percentiles(dropped.filter((c) => c.backMs !== null).map((c) => c.handshakeMs)),
    recovered: dropped.filter((c) => c.recovered).length,
    sent: totals.sent,
    acked: totals.acked,
    not_acked: totals.notAcked,
    skipped_while_away: totals.skipped,
    expected,
    delivered: expected - lost,
    lost,
    lost_clients: lostClients,
    duplicated: sum('duplicated'),
    out_of_order: sum('outOfOrder'),
    delivered_unacked: deliveredUnacked, // e.g. a message the killed node passed on but died before acknowledging
    window: killWindow(dropped),
    errors,
  };
  console.log(JSON.stringify(result));
  const r = result.reconnect_ms;
  console.error(`RESULT failover ${opt.label} :: ${result.connected}/${CLIENTS} connected, ${onKilledNode} on the killed`
    + ` node, ${back.length}/${dropped.length} back (p50 ${r.p50} p99 ${r.p99} max ${r.max} ms), ${result.recovered}`
    + ` recovered | ${totals.acked}/${totals.sent} acked, ${expected} expected, lost ${lost} (${lostClients} clients),`
    + ` dup ${result.duplicated}, ooo ${result.out_of_order}${windowText(result.window)}`
    + `${error ? ' :: ERROR ' + error : ''}`);
  process.exit(error ? 1 : 0); // which closes every socket
}

async function main() {
  log(`connecting ${CLIENTS} clients in ${ROOMS} rooms through the failover proxy`);
  const connectMs = [];
  let next = 0;
  await Promise.all(Array.from({ length: num('connect-concurrency') }, async () => {
    while (next < CLIENTS) {
      const c = newClient(next++);
      clients.push(c);
      const started = Date.now();
      try {
        const url = proxies[c.node];
        connect(c, url, await login(url, `bench-u${c.i}`));
        await Promise.race([c.joined, sleep(30_000).then(() => { throw new Error('not in its room after 30 s'); })]);
        connectMs.push(Date.now() - started);
      } catch (e) {
        count(`connect failed: ${e.message}`);
      }
    }
  }));
  log(`${connectMs.length} in their rooms, connect p99 ${percentiles(connectMs).p99} ms`);

  // The first PUBLISHERS clients, one or more in each room, on both nodes; spread evenly over each period.
  publishing = true;
  const period = (PUBLISHERS * 1000) / num('rate');
  const timers = clients.slice(0, PUBLISHERS).map((c, j) => setTimeout(() => {
    publish(c);
    timers[j] = setInterval(() => publish(c), period);
  }, (j * period) / PUBLISHERS));
  await sleep(num('warmup') * 1000);

  onKilledNode = clients.filter((c) => c.node === 0 && c.socket && c.socket.connected).length;
  log(`SIGKILL to process group ${pgid} (${targets[0]}, ${onKilledNode} clients)`);
  const meter = watchedCpu();
  cpuSamples.push(meter());
  killAt = Date.now();
  process.kill(-pgid, 'SIGKILL');
  const sampling = setInterval(() => cpuSamples.push(meter()), 250);
  await sleep(num('after') * 1000);
  clearInterval(sampling);

  publishing = false;
  for (const t of timers) clearInterval(t);
  await Promise.allSettled([...pending]);
  const drainUntil = Date.now() + num('drain') * 1000;
  while (Date.now() < drainUntil && !clients.every((c) => c.socket && c.socket.connected && missing(c) === 0)) {
    await sleep(250);
  }
  finish(null);
}

main().catch((e) => finish(String((e && e.stack) || e)));
