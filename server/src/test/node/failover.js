// Clients chat through a round-robin proxy in front of the cluster's nodes while one node is killed with SIGKILL;
// every client on it must reconnect through the proxy to a live node, be recovered, and end up with every
// acknowledged message of its rooms exactly once, in order. Prints one line: FAILOVER-RESULT <json>.
//
//   node failover.js '{"backends":[p1,p2,p3],"senderPort":p1,"victimPid":123,"rooms":3,"receivers":30,
//                      "messagesPerRoom":400,"killAfter":400,"proxy":"tcp","transports":["websocket"]}'
//
// proxy "tcp" sends each connection to the next node; "http" sends each HTTP request to the next node (a balancer
// with no affinity at all, which long-polling clients only survive when any node serves any session). A victimPid
// of 0 kills nothing.
'use strict';
const http = require('http');
const net = require('net');
const { io } = require('socket.io-client');

const config = JSON.parse(process.argv[2]);
const deadline = setTimeout(() => finish('timed out'), 90_000);

function tcpProxy(backends) {
  let next = 0;
  const server = net.createServer((client) => {
    client.pause();
    const tryBackend = (attempt) => {
      if (attempt >= backends.length) {
        client.destroy();
        return;
      }
      const port = backends[next++ % backends.length];
      const upstream = net.connect(port, '127.0.0.1');
      upstream.once('connect', () => {
        upstream.pipe(client).pipe(upstream);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      upstream.once('error', (e) => {
        if (!upstream.remoteAddress) tryBackend(attempt + 1);
      });
    };
    tryBackend(0);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Each request, and each WebSocket upgrade, to the next node that accepts a connection.
function httpProxy(backends) {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries) => {
        const port = backends[next++ % backends.length];
        const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url,
          headers: req.headers, agent }, (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', (e) => {
          if (e.code === 'ECONNREFUSED' && tries + 1 < backends.length) attempt(tries + 1);
          else if (!res.headersSent) { res.writeHead(502); res.end(); }
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  server.on('upgrade', (req, client, head) => {
    const attempt = (tries) => {
      const port = backends[next++ % backends.length];
      const upstream = net.connect(port, '127.0.0.1');
      upstream.once('connect', () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(lines.join('\r\n') + '\r\n\r\n');
        if (head && head.length) upstream.write(head);
        upstream.pipe(client).pipe(upstream);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      upstream.once('error', (e) => {
        if (e.code === 'ECONNREFUSED' && tries + 1 < backends.length) attempt(tries + 1);
        else client.destroy();
      });
    };
    attempt(0);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function login(port, user) {
  const response = await fetch(`http://127.0.0.1:${port}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user }),
  });
  if (response.status !== 200) throw new Error(`login of ${user}: HTTP ${response.status}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jsessionid='));
  return cookie.split(';')[0];
}

function connect(url, cookie, transports = ['websocket']) {
  return io(url, {
    transports,
    forceNew: true,
    extraHeaders: { Cookie: cookie },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
}

function once(socket, event) {
  return new Promise((resolve, reject) => {
    socket.once(event, resolve);
    socket.once('connect_error', reject);
  });
}

function call(socket, event, payload) {
  return socket.timeout(10_000).emitWithAck(event, payload);
}

const rooms = Array.from({ length: config.rooms }, (_, i) => `failover-${i}`);
const receivers = [];
let killed = false;
const senders = [];
const acked = new Map(rooms.map((room) => [room, []]));
let proxyServer;

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function finish(error) {
  clearTimeout(deadline);
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const receiver of receivers) {
    for (const room of rooms) {
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
    reconnected: receivers.filter((r) => r.reconnects.length > 0).length,
    disconnectsBeforeKill: receivers.reduce((n, r) => n + r.disconnectsBeforeKill, 0),
    connectErrors: receivers.reduce((n, r) => n + r.connectErrors, 0),
    recovered: reconnects.filter((r) => r.recovered).length,
    notRecovered: reconnects.filter((r) => !r.recovered).length,
    reconnectMsP50: percentile(reconnects.map((r) => r.ms), 50),
    reconnectMsP99: percentile(reconnects.map((r) => r.ms), 99),
    lost,
    duplicated,
    outOfOrder,
  };
  console.log('FAILOVER-RESULT ' + JSON.stringify(result));
  for (const s of [...receivers.map((r) => r.socket), ...senders]) s.close();
  if (proxyServer) proxyServer.close();
  process.exit(0);
}

async function main() {
  proxyServer = await (config.proxy === 'http' ? httpProxy : tcpProxy)(config.backends);
  const url = `http://127.0.0.1:${proxyServer.address().port}`;

  for (let i = 0; i < config.receivers; i++) {
    const cookie = await login(config.backends[i % config.backends.length], `receiver${i}`);
    const socket = connect(url, cookie, config.transports || ['websocket']);
    const receiver = { socket, received: new Map(rooms.map((room) => [room, []])), reconnects: [], lostAt: null,
      disconnectsBeforeKill: 0, connectErrors: 0 };
    socket.on('message', (m) => receiver.received.get(m.room).push(m.id));
    socket.on('connect_error', () => { receiver.connectErrors++; });
    socket.on('disconnect', () => {
      receiver.lostAt = Date.now();
      if (!killed) receiver.disconnectsBeforeKill++;
    });
    socket.on('connect', () => {
      if (receiver.lostAt !== null) {
        receiver.reconnects.push({ recovered: socket.recovered, ms: Date.now() - receiver.lostAt });
        receiver.lostAt = null;
      }
    });
    await once(socket, 'connect');
    for (const room of rooms) {
      const reply = await call(socket, 'join', { room });
      if (!reply.ok) throw new Error('join refused: ' + JSON.stringify(reply));
    }
    receivers.push(receiver);
  }

  for (const room of rooms) {
    const cookie = await login(config.senderPort, `sender-${room}`);
    const socket = connect(`http://127.0.0.1:${config.senderPort}`, cookie);
    await once(socket, 'connect');
    await call(socket, 'join', { room });
    senders.push(socket);
  }

  let sent = 0;
  const window = 8;
  await Promise.all(rooms.map(async (room, r) => {
    const sender = senders[r];
    let seq = 0;
    const inFlight = new Set();
    while (seq < config.messagesPerRoom) {
      while (inFlight.size < window && seq < config.messagesPerRoom) {
        const n = seq++;
        const p = call(sender, 'message', { room, text: `${room}:${n}` }).then((reply) => {
          if (reply.error) throw new Error('message refused: ' + JSON.stringify(reply));
          acked.get(room).push(reply.id);
          inFlight.delete(p);
        });
        inFlight.add(p);
        sent++;
        if (!killed && sent >= config.killAfter) {
          killed = true;
          if (config.victimPid) process.kill(config.victimPid, 'SIGKILL');
        }
      }
      await Promise.race(inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(inFlight);
  }));
  for (const room of rooms) acked.get(room).sort((a, b) => a - b);

  const total = [...acked.values()].reduce((n, ids) => n + ids.length, 0);
  const settleUntil = Date.now() + 20_000;
  while (Date.now() < settleUntil) {
    const complete = receivers.every((r) => r.socket.connected
      && rooms.every((room) => r.received.get(room).length >= acked.get(room).length));
    if (complete) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  finish(total === rooms.length * config.messagesPerRoom ? null : 'not every message was acknowledged');
}

main().catch((e) => finish(String(e && e.stack || e)));
