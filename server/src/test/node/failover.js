// Clients chat through a proxy in front of the cluster's nodes while nodes go away; every client must come back
// through the proxy to a live node, be recovered, and end up with every acknowledged message of its rooms exactly
// once, in order. Prints one line at the end: FAILOVER-RESULT <json>.
//
//   node failover.js '<json config>'
//
// config:
//   backends        the nodes' ports
//   proxy           "tcp": a proxy of this script sending each connection to the next node; "http": one sending each
//                   HTTP request to the next node (a balancer with no affinity at all); absent: use proxyUrl
//   proxyUrl        a proxy started by the test (nginx, HAProxy, Apache)
//   transports      ["websocket"], ["polling"], ["polling","websocket"], or "mixed" (half WebSocket only, half
//                   polling only)
//   rooms, receivers, receiverRooms ("all": every receiver in every room; "one": each in one room, in turn)
//   senderPort      senders connect straight to this node; absent: through the proxy
//   messagesPerRoom how many each room's sender sends
//   killAfter, victimPid   SIGKILL victimPid once this many messages were sent (0: kill nothing)
//   untilDone       instead: print FAILOVER-READY once everyone is in, then send until a line "DONE" on stdin
//                   (the test restarts nodes meanwhile); messagesPerRoom still caps each room
'use strict';
const readline = require('readline');
const { io } = require('socket.io-client');
const { percentile } = require('./stats');
const { httpProxy, tcpProxy } = require('./proxies');

const config = JSON.parse(process.argv[2]);
const deadline = setTimeout(() => finish('timed out'), 150_000);

async function login(url, user) {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user }),
  });
  if (response.status !== 200) throw new Error(`login of ${user}: HTTP ${response.status}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jsessionid='));
  return cookie.split(';')[0];
}

function connect(url, cookie, transports, more = {}) {
  return io(url, {
    transports,
    forceNew: true,
    extraHeaders: { Cookie: cookie },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    ...more,
  });
}

function once(socket, event) {
  return new Promise((resolve, reject) => {
    socket.once(event, resolve);
    socket.once('connect_error', reject);
  });
}

function call(socket, event, payload) {
  return socket.timeout(15_000).emitWithAck(event, payload);
}

function transportsOf(i) {
  if (config.transports === 'mixed') return i % 2 === 0 ? ['websocket'] : ['polling'];
  return config.transports || ['websocket'];
}

const rooms = Array.from({ length: config.rooms }, (_, i) => `failover-${i}`);
const receivers = [];
const senders = [];
const acked = new Map(rooms.map((room) => [room, []]));
let unacked = 0;
const disconnectReasons = {};
let killed = false;
let done = false;
let proxyServer;

function finish(error) {
  clearTimeout(deadline);
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const receiver of receivers) {
    for (const room of receiver.rooms) {
      const got = receiver.received.get(room);
      const seen = new Set(got);
      duplicated += got.length - seen.size;
      for (let i = 1; i < got.length; i++) if (got[i] <= got[i - 1]) outOfOrder++;
      for (const id of acked.get(room)) if (!seen.has(id)) lost++;
    }
  }
  const reconnects = receivers.flatMap((r) => r.reconnects);
  const result = {
    error: error || null,
    receivers: receivers.length,
    messages: [...acked.values()].reduce((n, ids) => n + ids.length, 0),
    unacked,
    reconnected: receivers.filter((r) => r.reconnects.length > 0).length,
    reconnects: reconnects.length,
    disconnectsBeforeKill: receivers.reduce((n, r) => n + r.disconnectsBeforeKill, 0),
    connectErrors: receivers.reduce((n, r) => n + r.connectErrors, 0),
    recovered: reconnects.filter((r) => r.recovered).length,
    notRecovered: reconnects.filter((r) => !r.recovered).length,
    reconnectMsP50: percentile(reconnects.map((r) => r.ms), 50),
    reconnectMsP99: percentile(reconnects.map((r) => r.ms), 99),
    lost,
    duplicated,
    outOfOrder,
    disconnectReasons,
  };
  console.log('FAILOVER-RESULT ' + JSON.stringify(result));
  for (const s of [...receivers.map((r) => r.socket), ...senders]) s.close();
  if (proxyServer) proxyServer.close();
  process.exit(0);
}

async function main() {
  let url = config.proxyUrl;
  if (!url) {
    proxyServer = await (config.proxy === 'http' ? httpProxy : tcpProxy)(config.backends);
    url = `http://127.0.0.1:${proxyServer.address().port}`;
  }
  const senderUrl = config.senderPort ? `http://127.0.0.1:${config.senderPort}` : url;

  for (let i = 0; i < config.receivers; i++) {
    const cookie = await login(config.proxyUrl || `http://127.0.0.1:${config.backends[i % config.backends.length]}`,
      `receiver${i}`);
    const socket = connect(url, cookie, transportsOf(i));
    const mine = config.receiverRooms === 'one' ? [rooms[i % rooms.length]] : rooms;
    const receiver = { socket, rooms: mine, received: new Map(rooms.map((room) => [room, []])), reconnects: [],
      lostAt: null, disconnectsBeforeKill: 0, connectErrors: 0 };
    socket.on('message', (m) => receiver.received.get(m.room).push(m.id));
    socket.on('connect_error', (e) => {
      receiver.connectErrors++;
      const why = `connect_error: ${e && e.message}${e && e.description ? ' (' + (e.description.message || e.description) + ')' : ''}`;
      disconnectReasons[why] = (disconnectReasons[why] || 0) + 1;
    });
    socket.on('disconnect', (reason, details) => {
      receiver.lostAt = Date.now();
      if (!killed) receiver.disconnectsBeforeKill++;
      const why = `${killed ? 'after' : 'before'}: ${reason}${details && details.description !== undefined
        ? ' (' + (details.description.message || details.description) + ')' : ''}`;
      disconnectReasons[why] = (disconnectReasons[why] || 0) + 1;
    });
    socket.on('connect', () => {
      if (receiver.lostAt !== null) {
        receiver.reconnects.push({ recovered: socket.recovered, ms: Date.now() - receiver.lostAt });
        receiver.lostAt = null;
      }
    });
    await once(socket, 'connect');
    for (const room of mine) {
      const reply = await call(socket, 'join', { room });
      if (!reply.ok) throw new Error('join refused: ' + JSON.stringify(reply));
    }
    receivers.push(receiver);
  }

  for (const room of rooms) {
    const cookie = await login(config.senderPort ? senderUrl : url, `sender-${room}`);
    // A sender resends what was not answered (its node went away with the answer), with its own key for each
    // message so that the server sends it once: at-least-once from the client, exactly once in the room.
    const socket = connect(senderUrl, cookie, ['websocket'], { retries: 10, ackTimeout: 10_000 });
    await once(socket, 'connect');
    await call(socket, 'join', { room });
    senders.push(socket);
  }

  if (config.untilDone) {
    killed = true; // disconnects from here on are the test's doing
    readline.createInterface({ input: process.stdin }).on('line', (line) => { if (line.trim() === 'DONE') done = true; });
    console.log('FAILOVER-READY');
  }

  let sent = 0;
  // While nodes restart, each sender chats as a person does: one message, its answer, a pause.
  const window = config.untilDone ? 1 : 8;
  await Promise.all(rooms.map(async (room, r) => {
    const sender = senders[r];
    let seq = 0;
    const inFlight = new Set();
    while (seq < config.messagesPerRoom && !done) {
      while (inFlight.size < window && seq < config.messagesPerRoom && !done) {
        const n = seq++;
        const emittedAt = Date.now();
        const p = call(sender, 'message', { room, text: `${room}:${n}`, clientId: `${room}:${n}` }).then((reply) => {
          if (reply.error) throw new Error('message refused: ' + JSON.stringify(reply));
          acked.get(room).push(reply.id);
        }, () => {
          // No answer in time: the sender's own node went away with it. Not counted as sent.
          unacked++;
          const why = `unacked while ${sender.connected ? 'connected' : 'disconnected'}, emitted ${
            Math.round((Date.now() - emittedAt) / 10) * 10} ms before`;
          disconnectReasons[why] = (disconnectReasons[why] || 0) + 1;
        }).finally(() => inFlight.delete(p));
        inFlight.add(p);
        sent++;
        if (!killed && config.victimPid && sent >= config.killAfter) {
          killed = true;
          process.kill(config.victimPid, 'SIGKILL');
        }
      }
      await Promise.race(inFlight);
      await new Promise((resolve) => setTimeout(resolve, config.untilDone ? 100 : 2));
    }
    await Promise.all(inFlight);
  }));
  for (const room of rooms) acked.get(room).sort((a, b) => a - b);

  const settleUntil = Date.now() + 20_000;
  while (Date.now() < settleUntil) {
    const complete = receivers.every((r) => r.socket.connected
      && r.rooms.every((room) => r.received.get(room).length >= acked.get(room).length));
    if (complete) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  finish(null);
}

main().catch((e) => finish(String(e && e.stack || e)));
