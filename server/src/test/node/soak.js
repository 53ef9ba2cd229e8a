// A soak under repeated faults: clients chat through a proxy for a while as people do — each in one room, a message
// a second with a client id, sent again by the client (socket.io-client's `retries`) until answered — while the test
// kills nodes and restarts Redis. A client that comes back without its state (recovered: false) does what a real
// app does: joins its room again and catches up from the last message it has (history {after}).
//
// Now and then a client reloads its page: a new socket, which joins and catches up the same way.
//
// Prints SOAK-READY once every client is in, and at the end one line: SOAK-RESULT <json>. A line "MARK <name>" on
// standard input names the fault that follows: reconnections are reported by the fault they followed. A line
// "READY <name>" says a node is ready again after that fault: reconnections are also timed from then.
//
//   node soak.js '<json config>'
//
// config: proxyUrl, clients, rooms, durationMs (how long the clients send), settleMs (how long to wait after for
// deliveries and reconnections), transports ("mixed": half WebSocket only, half polling only), reloadEveryMs (a
// client reloads its page that often, in turn).
'use strict';
const readline = require('readline');
const { io } = require('socket.io-client');
const { percentile } = require('./stats');

const config = JSON.parse(process.argv[2]);
const HISTORY_PAGE = 100;
const deadline = setTimeout(() => finish('timed out'), config.durationMs + config.settleMs + 120_000);

const rooms = Array.from({ length: config.rooms }, (_, i) => `soak-${i}`);
const clients = [];
const acked = new Map(rooms.map((room) => [room, new Set()]));
const ackedAt = new Map();
const t0 = Date.now();
const now = () => Date.now() - t0;
const refusals = {};
let unacked = 0;
let reloads = 0;
let fault = 'none';
const readyAgainAt = {};
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('MARK ')) fault = line.slice(5).trim();
  if (line.startsWith('READY ')) readyAgainAt[line.slice(6).trim()] = Date.now();
});

function count(table, key) {
  table[key] = (table[key] || 0) + 1;
}

async function login(user) {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${config.proxyUrl}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user }),
      });
      if (response.status === 200) {
        return response.headers.getSetCookie().find((c) => c.startsWith('jsessionid=')).split(';')[0];
      }
      count(refusals, `login: HTTP ${response.status}`);
    } catch (e) {
      count(refusals, `login: ${e.cause ? e.cause.code : e.message}`);
    }
    if (attempt >= 20) throw new Error(`login of ${user} failed`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Everything after a message: the path of a client that was not recovered. */
async function catchUp(client, since) {
  let after = since;
  for (;;) {
    const page = await client.socket.timeout(10_000).emitWithAck('history',
      { room: client.room, after, limit: HISTORY_PAGE });
    if (!page.messages) throw new Error('history refused: ' + JSON.stringify(page));
    for (const m of page.messages) {
      client.caughtUp.add(m.id);
      if (m.id > client.lastId) client.lastId = m.id;
    }
    if (page.messages.length < HISTORY_PAGE) return;
    after = page.messages[page.messages.length - 1].id;
  }
}

async function rejoin(client) {
  for (;;) {
    // Taken before the join: messages sent to the room once it has us may arrive before its answer.
    const since = client.lastId;
    try {
      const reply = await client.socket.timeout(10_000).emitWithAck('join', { room: client.room });
      if (!reply.ok) throw new Error('join refused: ' + JSON.stringify(reply));
      await catchUp(client, since);
      client.events.push({ t: now(), what: 'rejoined', lastId: client.lastId });
      client.inRoom = true;
      return;
    } catch (e) {
      count(refusals, `rejoin: ${e.message}`);
      if (!client.socket.connected) return; // the next connect tries again
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function start(i, cookie) {
  const room = rooms[i % rooms.length];
  const transports = config.transports === 'mixed' ? (i % 2 === 0 ? ['websocket'] : ['polling']) : config.transports;
  const client = {
    i, room, cookie, transports, transport: transports[0], live: [], seen: new Set(), caughtUp: new Set(), lastId: 0,
    inRoom: false, lostAt: null, lostIn: null, reconnects: [], joined: false, seq: 0, pending: 0, events: [],
  };
  open(client);
  clients.push(client);
  return client;
}

/** A socket for the client, as a page makes one when it loads. */
function open(client) {
  const { room } = client;
  const socket = io(config.proxyUrl, {
    transports: client.transports,
    forceNew: true,
    extraHeaders: { Cookie: client.cookie },
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    retries: 20,
    ackTimeout: 5000,
  });
  client.socket = socket;
  socket.on('message', (m) => {
    if (m.room !== room) return;
    client.live.push(m.id);
    client.seen.add(m.id);
    if (m.id > client.lastId) client.lastId = m.id;
  });
  socket.on('disconnect', (reason) => {
    client.events.push({ t: now(), what: `disconnect ${reason}`, lastId: client.lastId });
    if (client.lostAt === null) {
      client.lostAt = Date.now();
      client.lostIn = fault;
    }
    count(refusals, `disconnect: ${reason}`);
  });
  socket.on('connect_error', (e) => count(refusals, `connect_error: ${e.message}`));
  socket.on('connect', () => {
    if (!client.joined) return;
    client.events.push({ t: now(), what: `connect ${socket.id} recovered=${socket.recovered}`, lastId: client.lastId });
    if (client.lostAt !== null) {
      client.reconnects.push({ recovered: socket.recovered, ms: Date.now() - client.lostAt,
        lostAtMs: client.lostAt - t0, backAt: Date.now(), transport: client.transport, fault: client.lostIn });
      client.lostAt = null;
    }
    if (!socket.recovered) {
      client.inRoom = false;
      rejoin(client);
    }
  });
}

/** The page is loaded again: its socket goes, a new one comes, joins and catches up from the last message it has. */
function reload(client) {
  reloads++;
  client.events.push({ t: now(), what: 'reload', lastId: client.lastId });
  client.inRoom = false;
  client.socket.removeAllListeners();
  client.socket.close();
  open(client);
}

async function send(client) {
  const n = client.seq++;
  const sentAt = now();
  client.pending++;
  try {
    const reply = await client.socket.emitWithAck('message',
      { room: client.room, text: `${client.i}:${n}`, clientId: `${client.i}-${n}` });
    if (reply.error) {
      count(refusals, `message: ${reply.error}${client.inRoom ? ' (in the room)' : ''}`);
    } else {
      acked.get(client.room).add(reply.id);
      ackedAt.set(reply.id, { at: now(), by: client.i, sentAt });
    }
  } catch (e) {
    unacked++;
  } finally {
    client.pending--;
  }
}

async function main() {
  for (let i = 0; i < config.clients; i++) {
    const client = start(i, await login(`soak${i}`));
    await new Promise((resolve, reject) => {
      client.socket.once('connect', resolve);
      setTimeout(() => reject(new Error(`client ${i} did not connect`)), 20_000);
    });
    const reply = await client.socket.timeout(10_000).emitWithAck('join', { room: client.room });
    if (!reply.ok) throw new Error('join refused: ' + JSON.stringify(reply));
    client.joined = true;
    client.inRoom = true;
  }
  console.log('SOAK-READY');

  const startedAt = Date.now();
  let nextReload = 0;
  const reloader = setInterval(() => {
    // A page with a message on its way keeps it: it reloads once that is answered.
    const client = clients[nextReload++ % clients.length];
    if (client.pending === 0 && client.inRoom && client.socket.connected) reload(client);
  }, config.reloadEveryMs);
  const loops = clients.map(async (client) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
    const pending = [];
    while (Date.now() - startedAt < config.durationMs) {
      if (client.inRoom) pending.push(send(client));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await Promise.all(pending);
  });
  await Promise.all(loops);
  clearInterval(reloader);

  const settleUntil = Date.now() + config.settleMs;
  while (Date.now() < settleUntil) {
    const complete = clients.every((c) => c.socket.connected && c.inRoom
      && [...acked.get(c.room)].every((id) => c.caughtUp.has(id) || c.seen.has(id)));
    if (complete) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  finish(null);
}

function finish(error) {
  clearTimeout(deadline);
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  const lostByClient = {};
  const lostDetails = [];
  for (const client of clients) {
    const seen = new Set(client.live);
    duplicated += client.live.length - seen.size;
    for (let k = 1; k < client.live.length; k++) if (client.live[k] <= client.live[k - 1]) outOfOrder++;
    for (const id of acked.get(client.room)) {
      if (!seen.has(id) && !client.caughtUp.has(id)) {
        lost++;
        lostByClient[client.i] = (lostByClient[client.i] || 0) + 1;
        const a = ackedAt.get(id) || {};
        if (lostDetails.length < 10) {
          const before = client.live.filter((x) => x < id);
          const after = client.live.filter((x) => x > id);
          const around = { liveBefore: before[before.length - 1], liveAfter: after[0],
            caughtUp: [...client.caughtUp].filter((x) => Math.abs(x - id) < 100000) };
          lostDetails.push({ client: client.i, transport: client.transport, id, acked: a, around,
            events: client.events.filter((e) => Math.abs(e.t - (a.at || 0)) < 15000) });
        }
      }
    }
  }
  const reconnects = clients.flatMap((c) => c.reconnects);
  const byFault = {};
  for (const name of new Set(reconnects.map((r) => r.fault))) {
    const of = reconnects.filter((r) => r.fault === name);
    const polling = of.filter((r) => r.transport === 'polling').map((r) => r.ms);
    byFault[name] = { reconnects: of.length, recovered: of.filter((r) => r.recovered).length,
      msP50: percentile(of.map((r) => r.ms), 50), msP99: percentile(of.map((r) => r.ms), 99),
      pollingMsP99: percentile(polling, 99),
      lostBetweenMs: [Math.min(...of.map((r) => r.lostAtMs)), Math.max(...of.map((r) => r.lostAtMs))],
      afterReadyAgainMsP99: readyAgainAt[name] === undefined ? null
        : percentile(of.map((r) => Math.max(0, r.backAt - readyAgainAt[name])), 99),
      slowest: [...of].sort((a, b) => b.ms - a.ms).slice(0, 3)
        .map((r) => ({ lostAtMs: r.lostAtMs, ms: r.ms, transport: r.transport })) };
  }
  const result = {
    error: error || null,
    clients: clients.length,
    connected: clients.filter((c) => c.socket.connected).length,
    inRoom: clients.filter((c) => c.inRoom).length,
    messages: [...acked.values()].reduce((n, ids) => n + ids.size, 0),
    deliveries: clients.reduce((n, c) => n + c.live.length, 0),
    unacked,
    reconnects: reconnects.length,
    recovered: reconnects.filter((r) => r.recovered).length,
    notRecovered: reconnects.filter((r) => !r.recovered).length,
    caughtUp: clients.reduce((n, c) => n + c.caughtUp.size, 0),
    reconnectMsP50: percentile(reconnects.map((r) => r.ms), 50),
    reconnectMsP99: percentile(reconnects.map((r) => r.ms), 99),
    byFault,
    reloads,
    lost,
    lostByClient,
    lostDetails,
    duplicated,
    outOfOrder,
    refusals,
  };
  console.log('SOAK-RESULT ' + JSON.stringify(result));
  for (const client of clients) client.socket.close();
  process.exit(0);
}

main().catch((e) => finish(String(e && e.stack || e)));
