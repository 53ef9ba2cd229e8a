// XMPP load against one server, with @xmpp/client (TCP, STARTTLS). Prints one line: XMPP-BENCH <json>.
//
//   node xmpp-load.js '<json config>'
//
// config:
//   service     xmpp://127.0.0.1:PORT
//   domain      the XMPP domain
//   login       "plain" (a name and any password: Chorus's guests) or "anonymous" (SASL ANONYMOUS: Prosody's)
//   pid         the server's process, sampled for CPU (/proc/PID/stat) and memory (VmRSS, with its children)
//   scenario    "idle": `clients` log in, send their presence and stay; the server's memory before and after
//               "muc": `clients` join one room; `senders` of them say messages at each rate of `rates` (messages/s,
//               in all) for `stepSeconds`, after one unreported step at the first rate to warm the server up;
//               per step: deliveries, loss, latency, the server's CPU per delivery
//   concurrency logins in flight at once
//   holdSeconds how long idle connections are held before the server's memory is read (10)
// The nodes' certificates must be trusted: NODE_EXTRA_CA_CERTS names them.
'use strict';
const fs = require('fs');
const { client, xml } = require('@xmpp/client');

const config = JSON.parse(process.argv[2]);
const MUC = 'http://jabber.org/protocol/muc';
const ROOM = `bench@conference.${config.domain}`;
const TICKS = 100; // clock ticks per second in /proc/PID/stat
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** What went wrong on the clients' side: counted and the first few kept, for the result. */
const failures = { count: 0, first: [] };
function failed(error) {
  failures.count++;
  if (failures.first.length < 5) failures.first.push(String(error && error.message ? error.message : error));
}
// @xmpp/client can throw from a socket's data after its stream ended (its parser is gone): a client lost, counted.
process.on('uncaughtException', failed);

function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The resident memory of the process and its children, in bytes. */
function rss(pid) {
  let total = 0;
  const visit = (p) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
      const children = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      if (children) children.split(' ').forEach(visit);
    } catch (e) { /* gone */ }
  };
  visit(pid);
  return total;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One logged-in client; `heard` gets each groupchat body it receives. */
async function connect(index, heard) {
  const options = { service: config.service, domain: config.domain, resource: 'bench' };
  if (config.login === 'plain') {
    options.username = `bench-u${index}`;
    options.password = 'bench-pass';
  }
  const xmpp = client(options);
  xmpp.reconnect.stop();
  xmpp.on('error', failed);
  xmpp.on('stanza', (stanza) => {
    if (stanza.is('message') && stanza.attrs.type === 'groupchat') {
      const body = stanza.getChildText('body');
      if (body && heard) heard(body);
    }
  });
  await xmpp.start();
  return xmpp;
}

async function connectAll(count, heard) {
  const clients = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      clients[index] = await connect(index, heard);
    }
  };
  await Promise.all(Array.from({ length: config.concurrency || 50 }, worker));
  return clients;
}

async function idle() {
  const before = rss(config.pid);
  const clients = await connectAll(config.clients);
  await Promise.all(clients.map((c) => c.send(xml('presence'))));
  await sleep((config.holdSeconds || 10) * 1000);
  const after = rss(config.pid);
  await Promise.all(clients.map((c) => c.stop().catch(() => {})));
  return { clients: config.clients, rssBeforeMb: before / 2 ** 20, rssAfterMb: after / 2 ** 20,
    bytesPerConnection: Math.round((after - before) / config.clients) };
}

async function join(xmpp, nick, first) {
  const self = new Promise((resolve) => {
    const listener = (stanza) => {
      if (stanza.is('presence') && stanza.attrs.from && stanza.attrs.from.startsWith(ROOM + '/')) {
        const x = stanza.getChild('x', `${MUC}#user`);
        if (x && x.getChildren('status').some((s) => s.attrs.code === '110')) {
          xmpp.removeListener('stanza', listener);
          resolve(x.getChildren('status').some((s) => s.attrs.code === '201'));
        }
      }
    };
    xmpp.on('stanza', listener);
  });
  await xmpp.send(xml('presence', { to: `${ROOM}/${nick}` },
    xml('x', { xmlns: MUC }, xml('history', { maxstanzas: '0' }))));
  const created = await self;
  if (first && created) {
    // A new room stays locked until its owner takes it as it is (XEP-0045 §10.1.2).
    await xmpp.iqCaller.set(xml('query', { xmlns: `${MUC}#owner` }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' })),
      ROOM);
  }
}

async function muc() {
  const counts = new Map();
  const latencies = [];
  const heard = (body) => {
    const parts = body.split(':');
    if (parts[0] !== 'bench') return;
    counts.set(parts[1], (counts.get(parts[1]) || 0) + 1);
    latencies.push(Date.now() - Number(parts[2]));
  };
  const clients = await connectAll(config.clients, heard);
  await join(clients[0], 'bench-u0', true);
  for (let i = 1; i < clients.length; i += config.concurrency || 50) {
    await Promise.all(clients.slice(i, i + (config.concurrency || 50)).map((c, k) => join(c, `bench-u${i + k}`, false)));
  }
  await sleep(2000);
  const steps = [];
  let sequence = 0;
  // The first step warms the server up (a JVM compiles its hot paths then); it is not reported.
  const stepped = [config.rates[0], ...config.rates];
  for (let step = 0; step < stepped.length; step++) {
    const rate = stepped[step];
    latencies.length = 0;
    const sent = [];
    const cpuBefore = cpuSeconds(config.pid);
    const started = Date.now();
    const total = rate * config.stepSeconds;
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const id = `${rate}-${sequence++}`;
      sent.push(id);
      clients[n % config.senders].send(xml('message', { to: ROOM, type: 'groupchat' },
        xml('body', {}, `bench:${id}:${Date.now()}`)));
    }
    await sleep(3000);
    const cpu = cpuSeconds(config.pid) - cpuBefore;
    const expected = sent.length * clients.length;
    const delivered = sent.reduce((sum, id) => sum + Math.min(counts.get(id) || 0, clients.length), 0);
    const duplicates = sent.reduce((sum, id) => sum + Math.max(0, (counts.get(id) || 0) - clients.length), 0);
    latencies.sort((a, b) => a - b);
    if (step === 0) continue;
    steps.push({ rate, deliveriesPerSecond: rate * clients.length, expected, delivered, lost: expected - delivered,
      duplicates, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99),
      cpuMicrosPerDelivery: delivered ? Math.round((cpu * 1e6) / delivered) : null,
      serverCpuPercent: Math.round((cpu * 100) / ((Date.now() - started) / 1000)) });
  }
  await Promise.all(clients.map((c) => c.stop().catch(() => {})));
  return { occupants: clients.length, senders: config.senders, stepSeconds: config.stepSeconds, steps };
}

const deadline = setTimeout(() => {
  console.log('XMPP-BENCH ' + JSON.stringify({ error: 'timed out' }));
  process.exit(1);
}, (config.timeoutSeconds || 600) * 1000);

(config.scenario === 'idle' ? idle() : muc()).then((result) => {
  clearTimeout(deadline);
  result.clientFailures = failures;
  console.log('XMPP-BENCH ' + JSON.stringify(result));
  process.exit(0);
}).catch((error) => {
  console.log('XMPP-BENCH ' + JSON.stringify({ error: String(error && error.stack ? error.stack : error) }));
  process.exit(1);
});
