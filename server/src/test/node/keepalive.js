// Logins, polls and upgrades through a proxy that sends each request to the next node over connections it keeps
// alive and uses again: no request may meet a connection the node closed or reset under it. Prints one line:
// KEEPALIVE-RESULT <json>.
//
//   node keepalive.js '<json config>'
//
// config: backends (the nodes' ports), rounds, clients (per round).
'use strict';
const { io } = require('socket.io-client');
const { httpProxy } = require('./proxies');

const config = JSON.parse(process.argv[2]);
const failures = {};

function count(what) {
  failures[what] = (failures[what] || 0) + 1;
}

async function client(url, i) {
  const login = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `keepalive${i}` }) });
  if (login.status !== 200) {
    count(`login: HTTP ${login.status}`);
    return null;
  }
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('jsessionid=')).split(';')[0];
  const me = await fetch(`${url}/me`, { headers: { cookie } });
  if (me.status !== 200) count(`me: HTTP ${me.status}`);
  // Half stay on polling; the others upgrade to WebSocket once connected.
  const transports = i % 2 === 0 ? ['polling'] : ['polling', 'websocket'];
  const socket = io(url, { transports, forceNew: true, extraHeaders: { Cookie: cookie }, reconnection: false });
  socket.on('connect_error', (e) => count(`connect_error: ${e.message}`));
  socket.on('disconnect', (reason) => count(`disconnect: ${reason}`));
  await new Promise((resolve) => {
    socket.once('connect', resolve);
    socket.once('connect_error', resolve);
  });
  if (!socket.connected) return socket;
  try {
    await socket.timeout(10_000).emitWithAck('join', { room: 'keepalive' });
    for (let n = 0; n < 3; n++) {
      const reply = await socket.timeout(10_000).emitWithAck('message', { room: 'keepalive', text: `${i}:${n}` });
      if (reply.error) count(`message: ${reply.error}`);
    }
    await socket.timeout(10_000).emitWithAck('history', { room: 'keepalive', limit: 20 });
  } catch (e) {
    count(`ack: ${e.message}`);
  }
  return socket;
}

async function main() {
  const proxy = await httpProxy(config.backends);
  const url = `http://127.0.0.1:${proxy.address().port}`;
  let connected = 0;
  for (let round = 0; round < config.rounds; round++) {
    const sockets = await Promise.all(Array.from({ length: config.clients }, (_, i) => client(url, i)));
    connected += sockets.filter((s) => s && s.connected).length;
    // Held polls answered, then the sockets closed: their connections go back to the proxy's pool for the next round.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const s of sockets) {
      if (s) {
        s.removeAllListeners('disconnect');
        s.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  console.log('KEEPALIVE-RESULT ' + JSON.stringify({ connected, expected: config.rounds * config.clients,
    proxy: proxy.stats, failures }));
  process.exit(0);
}

main().catch((e) => {
  console.log('KEEPALIVE-RESULT ' + JSON.stringify({ error: String(e && e.stack || e), failures }));
  process.exit(0);
});
