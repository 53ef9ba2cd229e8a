// The XMPP bench's figures, both servers side by side, as Markdown: node table.js RUN_DIR
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const read = (name) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  } catch (e) {
    return { error: `no result (${name})` };
  }
};
const ratio = (chorus, prosody) => (chorus && prosody ? (chorus / prosody).toFixed(2) : '—');
const lines = [];

const idle = { chorus: read('chorus-idle.json'), prosody: read('prosody-idle.json') };
lines.push(`## Idle logged-in connections (${idle.chorus.clients || '?'} each)`, '',
  '| | Chorus | Prosody | Chorus / Prosody |', '| --- | --- | --- | --- |');
for (const [label, key] of [['memory per connection (bytes)', 'bytesPerConnection'],
  ['server memory before (MB)', 'rssBeforeMb'], ['server memory after (MB)', 'rssAfterMb']]) {
  const c = idle.chorus[key];
  const p = idle.prosody[key];
  lines.push(`| ${label} | ${c !== undefined ? Math.round(c) : idle.chorus.error} | `
    + `${p !== undefined ? Math.round(p) : idle.prosody.error} | ${ratio(c, p)} |`);
}

const muc = { chorus: read('chorus-muc.json'), prosody: read('prosody-muc.json') };
lines.push('', `## One room of ${muc.chorus.occupants || '?'} occupants, ${muc.chorus.senders || '?'} of them speaking `
  + `(${muc.chorus.stepSeconds || '?'} s per step)`, '',
  '| messages/s | deliveries/s | server CPU µs per delivery (Chorus / Prosody) | p50 ms | p99 ms | lost | server CPU % |',
  '| --- | --- | --- | --- | --- | --- | --- |');
const steps = (muc.chorus.steps || []).map((step, i) => [step, (muc.prosody.steps || [])[i] || {}]);
for (const [c, p] of steps) {
  lines.push(`| ${c.rate} | ${c.deliveriesPerSecond} | ${c.cpuMicrosPerDelivery} / ${p.cpuMicrosPerDelivery} `
    + `(${ratio(c.cpuMicrosPerDelivery, p.cpuMicrosPerDelivery)}) | ${c.p50Ms} / ${p.p50Ms} | ${c.p99Ms} / ${p.p99Ms} `
    + `| ${c.lost} / ${p.lost} | ${c.serverCpuPercent} / ${p.serverCpuPercent} |`);
}
for (const [name, result] of Object.entries({ 'chorus muc': muc.chorus, 'prosody muc': muc.prosody,
  'chorus idle': idle.chorus, 'prosody idle': idle.prosody })) {
  if (result.error) lines.push('', `${name}: ${result.error}`);
}
console.log(lines.join('\n'));
