// XMPP clients as applications use them — @xmpp/client over TCP and over WebSocket, strophe.js over WebSocket — and
// an official Socket.IO client, in one room of a two-node cluster, through proxies that send each connection to the
// next live node. Then the node of two of the XMPP users is killed: they come back through the proxies to the other
// node and catch up through MAM; the others see them go and come back. Prints one line at the end:
// XMPP-CLIENTS-RESULT <json>.
//
//   node xmpp-clients.js '<json config>'
//
// config:
//   domain          the XMPP domain of the nodes
//   xmppBackends    the nodes' XMPP ports (STARTTLS); the first node is the victim's
//   httpBackends    the nodes' HTTP ports, in the same order
//   victimPid       the first node's process, killed with SIGKILL mid-conversation
//   password        the XMPP users' password (tess, will, stella)
//   webCookie       the session cookie of the web user (wendy), who talks to the second node straight
// The nodes' certificates must be trusted: NODE_EXTRA_CA_CERTS names them.
'use strict';
const { client, xml } = require('@xmpp/client');
const { Strophe, $pres, $msg, $iq } = require('strophe.js');
const { io } = require('socket.io-client');
const { httpProxy, tcpProxy } = require('./proxies');

const config = JSON.parse(process.argv[2]);
const ROOM = 'mixed';
const ROOM_JID = `${ROOM}@conference.${config.domain}`;
const MAM = 'urn:xmpp:mam:2';
const result = { error: null };
const deadline = setTimeout(() => finish('timed out'), 100_000);

let everyone = [];

function finish(error) {
  clearTimeout(deadline);
  if (error) {
    result.state = Object.fromEntries(everyone.map((p) => [p.name, { joined: p.joined, online: p.online,
      heard: p.order.length, presence: p.presence, lastError: p.lastError }]));
  }
  result.error = error ? String(error && error.stack ? error.stack : error) : null;
  console.log('XMPP-CLIENTS-RESULT ' + JSON.stringify(result));
  process.exit(0);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, condition, ms = 20_000) {
  result.waitingFor = what;
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * What one participant heard of the room: the messages with words, by stored id, in the order heard (live or from
 * the archive), and who came and went.
 */
class Participant {
  constructor(name) {
    this.name = name;
    this.said = new Map();
    this.order = [];
    this.presence = [];
    this.dms = [];
  }

  heard(id, from, text) {
    if (this.said.has(id)) {
      this.duplicates = (this.duplicates || 0) + 1;
      return;
    }
    this.said.set(id, `${from}: ${text}`);
    this.order.push(id);
  }
}

/** @xmpp/client over TCP (STARTTLS) or WebSocket; it reconnects by itself, and rejoins the room when it does. */
function xmppClient(participant, service, resource) {
  const xmpp = client({ service, domain: config.domain, username: participant.name, password: config.password,
    resource });
  // Back after the cluster has found its node dead (about 3 s): the others see it leave, then come back. A client
  // back sooner was never away for the room.
  xmpp.reconnect.delay = 5000;
  participant.online = 0;
  participant.joined = false;
  xmpp.on('error', (error) => { participant.lastError = String(error); });
  xmpp.on('offline', () => { participant.joined = false; });
  xmpp.on('online', async () => {
    participant.online++;
    await xmpp.send(xml('presence', { to: `${ROOM_JID}/${participant.name}` },
      xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('history', { maxstanzas: '0' }))));
  });
  xmpp.on('stanza', (stanza) => {
    if (stanza.is('presence') && stanza.attrs.from && stanza.attrs.from.startsWith(ROOM_JID + '/')) {
      const nick = stanza.attrs.from.split('/')[1];
      const self = stanza.getChild('x', 'http://jabber.org/protocol/muc#user');
      if (nick === participant.name && self && self.getChildren('status').some((s) => s.attrs.code === '110')) {
        participant.joined = stanza.attrs.type !== 'unavailable';
      } else if (nick !== participant.name) {
        participant.presence.push(`${nick} ${stanza.attrs.type || 'available'}`);
      }
    } else if (stanza.is('message') && stanza.attrs.type === 'groupchat' && stanza.getChildText('body') !== null) {
      participant.heard(stanzaId(stanza, ROOM_JID), stanza.attrs.from.split('/')[1], stanza.getChildText('body'));
    } else if (stanza.is('message') && stanza.attrs.type === 'chat' && stanza.getChildText('body') !== null) {
      participant.dms.push({ id: stanzaId(stanza, `${participant.name}@${config.domain}`),
        from: stanza.attrs.from.split('@')[0], text: stanza.getChildText('body') });
    } else if (stanza.is('message') && stanza.getChild('result', MAM)) {
      const message = stanza.getChild('result', MAM).getChild('forwarded', 'urn:xmpp:forward:0')
        .getChild('message');
      participant.heard(stanza.getChild('result', MAM).attrs.id, message.attrs.from.split('/')[1],
        message.getChildText('body'));
    }
  });
  return {
    start: () => xmpp.start(),
    say: (text) => xmpp.send(xml('message', { to: ROOM_JID, type: 'groupchat' }, xml('body', {}, text))),
    dm: (to, text) => xmpp.send(xml('message', { to: `${to}@${config.domain}`, type: 'chat' },
      xml('body', {}, text))),
    catchUp: (after) => xmpp.iqCaller.set(xml('query', { xmlns: MAM },
      xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, xml('max', {}, '99'), xml('after', {}, after))),
    ROOM_JID),
    stop: () => xmpp.stop().catch(() => {}),
  };
}

function stanzaId(stanza, by) {
  const id = stanza.getChildren('stanza-id', 'urn:xmpp:sid:0').find((sid) => sid.attrs.by === by);
  return id ? id.attrs.id : null;
}

/** strophe.js over WebSocket: the room seen through its handlers. */
function stropheClient(participant, url) {
  const connection = new Strophe.Connection(url, { protocol: 'ws' });
  connection.addHandler((presence) => {
    const from = presence.getAttribute('from') || '';
    if (from.startsWith(ROOM_JID + '/') && from.split('/')[1] !== participant.name) {
      participant.presence.push(`${from.split('/')[1]} ${presence.getAttribute('type') || 'available'}`);
    } else if (from === `${ROOM_JID}/${participant.name}`) {
      participant.joined = true;
    }
    return true;
  }, null, 'presence');
  connection.addHandler((message) => {
    const body = message.getElementsByTagName('body')[0];
    if (body && message.getAttribute('type') === 'groupchat') {
      const ids = Array.from(message.getElementsByTagName('stanza-id'))
        .filter((sid) => sid.getAttribute('by') === ROOM_JID);
      participant.heard(ids.length ? ids[0].getAttribute('id') : null, message.getAttribute('from').split('/')[1],
        body.textContent);
    }
    return true;
  }, null, 'message');
  return {
    start: () => new Promise((resolve, reject) => {
      connection.connect(`${participant.name}@${config.domain}/ws`, config.password, (status) => {
        if (status === Strophe.Status.CONNECTED) {
          connection.send($pres({ to: `${ROOM_JID}/${participant.name}` })
            .c('x', { xmlns: 'http://jabber.org/protocol/muc' }).c('history', { maxstanzas: '0' }));
          resolve();
        } else if (status === Strophe.Status.AUTHFAIL || status === Strophe.Status.CONNFAIL) {
          reject(new Error(`strophe: status ${status}`));
        }
      });
    }),
    say: (text) => connection.send($msg({ to: ROOM_JID, type: 'groupchat' }).c('body').t(text)),
    stop: () => connection.disconnect(),
  };
}

/** The web chat's user, on the second node: the official Socket.IO client. */
function webClient(participant, url) {
  const socket = io(url, { transports: ['websocket'], extraHeaders: { Cookie: config.webCookie },
    reconnection: false, autoConnect: false });
  socket.on('message', (m) => { if (m.room === ROOM) participant.heard(String(m.id), m.user, m.text); });
  socket.on('presence', (p) => { if (p.room === ROOM) participant.presence.push(`${p.user} ${p.status}`); });
  socket.on('dm', (m) => participant.dms.push({ id: String(m.id), from: m.from, text: m.text }));
  const ask = (event, payload) => new Promise((resolve) => socket.emit(event, payload, resolve));
  return {
    start: () => new Promise((resolve, reject) => {
      socket.on('connect', async () => {
        const joined = await ask('join', { room: ROOM, presence: true });
        participant.joined = !joined.error;
        (joined.members || []).forEach((member) => participant.presence.push(`${member} online`));
        resolve();
      });
      socket.on('connect_error', reject);
      socket.connect();
    }),
    say: (text) => ask('message', { room: ROOM, text }),
    dm: (to, text) => ask('dm', { to, text }),
    ask,
    stop: () => socket.close(),
  };
}

async function main() {
  const xmppProxy = await tcpProxy(config.xmppBackends);
  const webProxy = await httpProxy(config.httpBackends);
  const ws = `ws://127.0.0.1:${webProxy.address().port}/xmpp-websocket`;
  const tess = new Participant('tess');
  const will = new Participant('will');
  const stella = new Participant('stella');
  const wendy = new Participant('wendy');
  everyone = [tess, will, stella, wendy];
  // Each proxy sends its first connection to the first node, the victim: tess (TCP) and will (WebSocket) are there.
  const clients = {
    tess: xmppClient(tess, `xmpp://127.0.0.1:${xmppProxy.address().port}`, 'tcp'),
    will: xmppClient(will, ws, 'ws'),
    stella: stropheClient(stella, ws),
    wendy: webClient(wendy, `http://127.0.0.1:${config.httpBackends[1]}`),
  };
  // The room is the web chat's: its web user is in it first, so that no XMPP client creates it (a room an XMPP
  // client creates is locked until that client sets it up, which these clients do not).
  for (const name of ['wendy', 'tess', 'will', 'stella']) {
    result.waitingFor = `${name} to log in`;
    await clients[name].start();
  }
  await until('everyone in the room', () => everyone.every((p) => p.joined));
  await until('everyone sees the others', () => everyone.every((p) => everyone.filter((o) => o !== p)
    .every((o) => p.presence.some((line) => line.startsWith(`${o.name} `)))));

  for (let round = 0; round < 3; round++) {
    // The room is the web chat's: its web user is in it first, so that no XMPP client creates it (a room an XMPP
  // client creates is locked until that client sets it up, which these clients do not).
  for (const name of ['wendy', 'tess', 'will', 'stella']) {
      await clients[name].say(`${name} ${round}`);
    }
  }
  await until('every message everywhere', () => everyone.every((p) => p.order.length === 12));
  result.orders = Object.fromEntries(everyone.map((p) => [p.name, p.order.map((id) => `${id} ${p.said.get(id)}`)]));
  result.sameOrder = everyone.every((p) => JSON.stringify(p.order) === JSON.stringify(wendy.order));

  await clients.tess.dm('wendy', 'hello from XMPP');
  await until('the web user gets the XMPP user\'s message', () => wendy.dms.length === 1);
  const reply = await clients.wendy.dm('tess', 'hello from the web');
  await until('the XMPP user gets the web user\'s message', () => tess.dms.length === 1);
  const dmHistory = await clients.wendy.ask('dm-history', { with: 'tess' });
  result.direct = {
    atWendy: wendy.dms[0],
    atTess: tess.dms[0],
    replyId: String(reply.id),
    history: dmHistory.messages.map((m) => `${m.id} ${m.from}: ${m.text}`),
  };
  const history = await clients.wendy.ask('history', { room: ROOM });
  result.roomHistory = history.messages.map((m) => `${m.id} ${m.user}: ${m.text}`);

  const lastSeen = { tess: tess.order[tess.order.length - 1], will: will.order[will.order.length - 1] };
  const onlineBefore = { tess: tess.online, will: will.online };
  stella.presence.length = 0;
  wendy.presence.length = 0;
  process.kill(config.victimPid, 'SIGKILL');
  const killedAt = Date.now();
  for (let i = 0; i < 5; i++) {
    await clients.stella.say(`while away ${i}`);
    await clients.wendy.say(`web while away ${i}`);
  }
  await until('the victim\'s users back online elsewhere', () => tess.online > onlineBefore.tess
    && will.online > onlineBefore.will && tess.joined && will.joined, 40_000);
  result.backAfterMs = Date.now() - killedAt;
  for (const name of ['tess', 'will']) {
    await clients[name].catchUp(lastSeen[name]);
  }
  await until('everyone heard everything', () => everyone.every((p) => p.order.length === 22));
  // Those who stayed heard the room live, in its order; those who came back heard part of it from the archive.
  const byId = (p) => [...p.order].sort((a, b) => Number(a) - Number(b));
  result.afterKill = Object.fromEntries(everyone.map((p) => [p.name, byId(p).map((id) => `${id} ${p.said.get(id)}`)]));
  result.sameOrderAfterKill = everyone.every((p) => JSON.stringify(byId(p)) === JSON.stringify(wendy.order))
    && [stella, wendy].every((p) => JSON.stringify(p.order) === JSON.stringify(byId(p)));
  result.duplicates = everyone.reduce((sum, p) => sum + (p.duplicates || 0), 0);
  await until('the others see them leave and come back', () => ['tess', 'will'].every((name) =>
    [stella, wendy].every((p) => p.presence.some((line) => line === `${name} unavailable` || line === `${name} offline`)
      && p.presence.some((line) => line === `${name} available` || line === `${name} online`))));
  result.presenceAtStella = stella.presence;
  result.presenceAtWendy = wendy.presence;

  await Promise.all(Object.values(clients).map((c) => c.stop()));
  xmppProxy.close();
  webProxy.close();
  finish(null);
}

main().catch(finish);
