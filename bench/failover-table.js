#!/usr/bin/env node
'use strict';
// Failover results side by side: one Markdown column per failover.json.
//
//   node failover-table.js NAME=FILE [NAME=FILE...]      e.g. peer=out/peer/failover.json Chorus=out/…/failover.json
const fs = require('fs');

const runs = process.argv.slice(2).map((arg) => {
  const at = arg.indexOf('=');
  return { name: arg.slice(0, at), r: JSON.parse(fs.readFileSync(arg.slice(at + 1), 'utf8')) };
});
const rows = [
  ['clients connected', (r) => `${r.connected} / ${r.clients}`],
  ['on the killed node', (r) => r.on_killed_node],
  [`came back (≤ ${runs[0].r.back_within_s} s)`, (r) => `${r.came_back} / ${r.dropped}`],
  ['reconnect p50 / p99 / max (ms)', (r) => `${r.reconnect_ms.p50} / ${r.reconnect_ms.p99} / ${r.reconnect_ms.max}`],
  ['of which last attempt → connected, p50 / p99', (r) => `${r.handshake_ms.p50} / ${r.handshake_ms.p99}`],
  ['recovered (socket.recovered)', (r) => r.recovered],
  ['messages acked / sent', (r) => `${r.acked} / ${r.sent}`],
  ['deliveries expected', (r) => r.expected],
  ['lost (clients missing some)', (r) => `${r.lost} (${r.lost_clients})`],
  ['duplicated', (r) => r.duplicated],
  ['out of order', (r) => r.out_of_order],
  ['kill → last client back (ms); the machine busy in it', (r) => (r.window
    ? `${r.window.ms}; ${r.window.machine_busy_pct} %` : '–')],
  ['CPU s in it: clients / their proxies / surviving node / Redis', (r) => (r.window
    ? ['self', 'proxies', 'survivor', 'redis'].map((k) => r.window.cpu_s[k] ?? '–').join(' / ') : '–')],
  ['errors', (r) => (r.error ? `${r.error}; ` : '') + Object.entries(r.errors).map(([k, n]) => `${k}: ${n}`).join('; ')],
];
console.log(`| failover | ${runs.map((x) => x.name).join(' | ')} |`);
console.log(`| --- |${' --- |'.repeat(runs.length)}`);
for (const [label, cell] of rows) console.log(`| ${label} | ${runs.map((x) => cell(x.r)).join(' | ')} |`);
