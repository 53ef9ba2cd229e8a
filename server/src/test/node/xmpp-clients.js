// XMPP clients as applications use them — @xmpp/client over TCP and over WebSocket, strophe.js over WebSocket and
// over BOSH — and an official Socket.IO client, in one room of a cluster, through a proxy in front of its nodes. Then a node is killed with SIGKILL mid-conversation: the XMPP users it served come back
// through the proxies to another node and resume their streams there (@xmpp/client, XEP-0198) or join again and
// catch up through MAM (strophe.js); the others see them go and come back. Prints one
// line at the end: XMPP-CLIENTS-RESULT <json>.
//
//   node xmpp-clients.js '<json config>'
//
// config:
//   scenario        "kill" (the default) or "rolling"
//   domain          the XMPP domain of the nodes
//   password        the XMPP users' password (tess, will, stella, bella)
//   webCookie       the session cookie of the web user (wendy)
//   webUrl          the node wendy talks to straight (never the one killed); the proxy, for the rolling restart
//   proxy           {http, xmpp}: the base address of the HTTP proxy in front of the nodes, and the port of its TCP
//                   one (null when there is none: tess then uses WebSocket too)
// Once everyone is in and has talked, the script prints XMPP-CLIENTS-READY and waits for a line "KILLED" on its
// standard input: the test has killed a node. In the rolling restart, it talks until a line "RESTARTED": the test
// has stopped and started each node in turn.
// The nodes' certificates must be trusted: NODE_EXTRA_CA_CERTS names them.
'use strict';
const readline = require('readline');
const XHR2 = require('xhr2');
const { DOMParser } = require('@xmldom/xmldom');

// strophe.js reads BOSH answers from responseXML, which xhr2 has none of.
global.XMLHttpRequest = class extends XHR2 {
  get responseXML() {
    const text = this.responseText;
    return text ? new DOMParser().parseFromString(text, 'text/xml') : null;
  }
};
const { client, xml } = require('@xmpp/client');
const { Strophe, $pres, $msg, $iq } = require('strophe.js');
const { io } = require('socket.io-client');

const config = JSON.parse(process.argv[2]);
const ROOM = 'mixed';
const ROOM_JID = `${ROOM}@conference.${config.domain}`;
const MAM = 'urn:xmpp:mam:2';
const RSM = 'http://jabber.org/protocol/rsm';
const MUC = 'http://jabber.org/protocol/muc';
// Back after the cluster has found the dead node (about 3 s): the others see the user leave, then come back. A
// client back sooner was never away for the room.
const RECONNECT_DELAY_MS = 5000;
// A client resuming its stream (XEP-0198) may come back at once: the node it reaches takes its session over once
// the cluster has found the dead node, so the others still see it leave first.
const RESUME_DELAY_MS = 1000;
const result = { error: null };
const deadline = setTimeout(() => finish('timed out'), 240_000);

let everyone = [];

function finish(error) {
  clearTimeout(deadline);
  if (error) {
    const wendy = everyone.find((p) => p.name === 'wendy');
    result.state = Object.fromEntries(everyone.map((p) => [p.name, { joined: p.joined, online: p.online,
      resumed: p.resumed, drops: p.drops, heard: p.order.length, presence: p.presence, lastError: p.lastError,
      missing: wendy ? wendy.order.filter((id) => !p.said.has(id)).map((id) => `${id} ${wendy.said.get(id)}`) : [],
      lastHeard: p.order.slice(-3).map((id) => `${id} ${p.said.get(id)}`) }]));
    result.backAfterMs = result.backAfterMs || {};
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
 * the archive); who came and went; how often its connection dropped and came back.
 */
class Participant {
  constructor(name, kind) {
    this.name = name;
    this.kind = kind;
    this.said = new Map();
    this.order = [];
    this.presence = [];
    this.dms = [];
    this.online = 0;
    this.resumed = 0;
    this.drops = 0;
    this.joined = false;
  }

  /** @param archived whether it came from the archive (MAM), where a client finds what it heard live again */
  heard(id, from, text, archived = false) {
    if (this.said.has(id)) {
      if (!archived) {
        this.duplicates = (this.duplicates || 0) + 1;
      }
      return;
    }
    this.said.set(id, `${from}: ${text}`);
    this.order.push(id);
  }

  /** A presence of the room: our own (status 110) says whether we are in, the others' who is. */
  roomPresence(nick, type, self) {
    if (nick === this.name && self) {
      this.joined = type !== 'unavailable';
      this.joinedAt = Date.now();
    } else if (nick !== this.name) {
      this.presence.push(`${nick} ${type || 'available'}`);
    }
  }
}

const joinRoom = (name) => xml('presence', { to: `${ROOM_JID}/${name}` },
  xml('x', { xmlns: MUC }, xml('history', { maxstanzas: '0' })));

/**
 * @xmpp/client over TCP (STARTTLS) or WebSocket, with stream management; it reconnects by itself and resumes its
 * stream, still in the room; a stream it could not resume it replaces, and rejoins the room.
 */
function xmppClient(participant, service, resource) {
  const xmpp = client({ service, domain: config.domain, username: participant.name, password: config.password,
    resource });
  xmpp.reconnect.delay = RESUME_DELAY_MS;
  xmpp.streamManagement.on('resumed', () => {
    participant.resumed++;
    participant.joined = true;
    participant.joinedAt = Date.now();
  });
  xmpp.on('error', (error) => { participant.lastError = String(error); });
  xmpp.on('disconnect', () => {
    participant.joined = false;
    participant.drops++;
  });
  xmpp.on('online', async () => {
    participant.online++;
    await xmpp.send(joinRoom(participant.name));
  });
  xmpp.on('stanza', (stanza) => {
    if (stanza.is('presence') && stanza.attrs.from && stanza.attrs.from.startsWith(ROOM_JID + '/')) {
      const self = stanza.getChild('x', 'http://jabber.org/protocol/muc#user');
      participant.roomPresence(stanza.attrs.from.split('/')[1], stanza.attrs.type,
        self && self.getChildren('status').some((s) => s.attrs.code === '110'));
    } else if (stanza.is('message') && stanza.attrs.type === 'groupchat' && stanza.getChildText('body') !== null) {
      participant.heard(stanzaId(stanza, ROOM_JID), stanza.attrs.from.split('/')[1], stanza.getChildText('body'));
    } else if (stanza.is('message') && stanza.attrs.type === 'chat' && stanza.getChildText('body') !== null) {
      participant.dms.push({ id: stanzaId(stanza, `${participant.name}@${config.domain}`),
        from: stanza.attrs.from.split('@')[0], text: stanza.getChildText('body') });
    } else if (stanza.is('message') && stanza.getChild('result', MAM)) {
      const message = stanza.getChild('result', MAM).getChild('forwarded', 'urn:xmpp:forward:0')
        .getChild('message');
      participant.heard(stanza.getChild('result', MAM).attrs.id, message.attrs.from.split('/')[1],
        message.getChildText('body'), true);
    }
  });
  return {
    start: () => xmpp.start(),
    say: (text) => xmpp.send(xml('message', { to: ROOM_JID, type: 'groupchat' }, xml('body', {}, text))),
    dm: (to, text) => xmpp.send(xml('message', { to: `${to}@${config.domain}`, type: 'chat' },
      xml('body', {}, text))),
    catchUp: (after) => xmpp.iqCaller.set(xml('query', { xmlns: MAM },
      xml('set', { xmlns: RSM }, xml('max', {}, '99'), xml('after', {}, after))), ROOM_JID),
    stop: () => xmpp.stop().catch(() => {}),
  };
}

function stanzaId(stanza, by) {
  const id = stanza.getChildren('stanza-id', 'urn:xmpp:sid:0').find((sid) => sid.attrs.by === by);
  return id ? id.attrs.id : null;
}

/**
 * strophe.js over WebSocket or BOSH, as a web application drives it: the room seen through its handlers; when the
 * connection drops, a new one after a while, back into the room.
 */
function stropheClient(participant, url, resource) {
  const options = url.startsWith('ws') ? { protocol: 'ws' } : {};
  let connection = null;
  let stopping = false;
  let pendingCatchUp = null;

  function handlers(c) {
    c.addHandler((presence) => {
      const from = presence.getAttribute('from') || '';
      if (from.startsWith(ROOM_JID + '/')) {
        const self = Array.from(presence.getElementsByTagName('status')).some((s) => s.getAttribute('code') === '110');
        participant.roomPresence(from.split('/')[1], presence.getAttribute('type'), self);
      }
      return true;
    }, null, 'presence');
    c.addHandler((message) => {
      const result = message.getElementsByTagNameNS(MAM, 'result')[0];
      if (result) {
        const forwarded = result.getElementsByTagName('message')[0];
        participant.heard(result.getAttribute('id'), forwarded.getAttribute('from').split('/')[1],
          forwarded.getElementsByTagName('body')[0].textContent, true);
        return true;
      }
      const body = message.getElementsByTagName('body')[0];
      if (body && message.getAttribute('type') === 'groupchat') {
        const ids = Array.from(message.getElementsByTagName('stanza-id'))
          .filter((sid) => sid.getAttribute('by') === ROOM_JID);
        participant.heard(ids.length ? ids[0].getAttribute('id') : null, message.getAttribute('from').split('/')[1],
          body.textContent);
      }
      return true;
    }, null, 'message');
  }

  function connect() {
    return new Promise((resolve, reject) => {
      const c = new Strophe.Connection(url, options);
      connection = c;
      handlers(c);
      let connected = false;
      c.connect(`${participant.name}@${config.domain}/${resource}`, config.password, (status, condition) => {
        if (connected && condition) {
          // Why a connection that was up went down, for the report.
          participant.lastError = `strophe: status ${status}, ${condition} (${resource})`;
        }
        if (status === Strophe.Status.CONNECTED) {
          connected = true;
          participant.online++;
          c.send($pres({ to: `${ROOM_JID}/${participant.name}` }).c('x', { xmlns: MUC })
            .c('history', { maxstanzas: '0' }));
          resolve();
        } else if (status === Strophe.Status.DISCONNECTED && connection === c && !stopping) {
          participant.joined = false;
          if (connected) {
            participant.drops++;
          }
          setTimeout(() => connect().catch((error) => { participant.lastError = String(error); }),
            RECONNECT_DELAY_MS);
        } else if (status === Strophe.Status.AUTHFAIL) {
          reject(new Error(`strophe: status ${status}`));
        } else if (status === Strophe.Status.CONNFAIL && !connected) {
          participant.lastError = `strophe: connection failed (${resource})`;
        }
      });
    });
  }

  return {
    start: connect,
    say: (text) => connection.send($msg({ to: ROOM_JID, type: 'groupchat' }).c('body').t(text)),
    catchUp: (after) => new Promise((resolve, reject) => {
      pendingCatchUp = after;
      connection.sendIQ($iq({ type: 'set', to: ROOM_JID }).c('query', { xmlns: MAM })
        .c('set', { xmlns: RSM }).c('max').t('99').up().c('after').t(after), resolve,
      (error) => reject(new Error(`MAM: ${error ? error.outerHTML || error : 'timeout'} after ${pendingCatchUp}`)),
      10_000);
    }),
    stop: () => {
      stopping = true;
      connection.disconnect();
    },
  };
}

/**
 * The web chat's user, the official Socket.IO client: on a node that stays, or through the proxy, reconnecting and
 * recovering its session when its node stops.
 */
function webClient(participant, url, reconnection) {
  const socket = io(url, { transports: ['websocket'], extraHeaders: { Cookie: config.webCookie },
    reconnection, reconnectionDelay: 200, autoConnect: false });
  socket.on('message', (m) => { if (m.room === ROOM) participant.heard(String(m.id), m.user, m.text); });
  socket.on('presence', (p) => { if (p.room === ROOM) participant.presence.push(`${p.user} ${p.status}`); });
  socket.on('dm', (m) => participant.dms.push({ id: String(m.id), from: m.from, text: m.text }));
  const ask = (event, payload) => new Promise((resolve) => socket.emit(event, payload, resolve));
  return {
    start: () => new Promise((resolve, reject) => {
      socket.on('connect', async () => {
        participant.online++;
        if (socket.recovered) {
          participant.recoveries = (participant.recoveries || 0) + 1;
          resolve();
          return;
        }
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

/** Where the clients connect, through the proxy. */
function entrances() {
  const ws = config.proxy.http.replace(/^http/, 'ws') + '/xmpp-websocket';
  return { tcp: config.proxy.xmpp ? `xmpp://127.0.0.1:${config.proxy.xmpp}` : ws, ws, bosh: `${config.proxy.http}/xmpp` };
}

/** Says the clients are ready, then waits for the test's word on standard input. */
function ready(word) {
  const told = new Promise((resolve) => readline.createInterface({ input: process.stdin })
    .on('line', (line) => { if (line.trim() === word) resolve(); }));
  console.log('XMPP-CLIENTS-READY');
  return told;
}

async function main() {
  const to = entrances();
  const tess = new Participant('tess', to.tcp.startsWith('xmpp:') ? '@xmpp/client TCP' : '@xmpp/client WebSocket');
  const will = new Participant('will', '@xmpp/client WebSocket');
  const stella = new Participant('stella', 'strophe.js WebSocket');
  const bella = new Participant('bella', 'strophe.js BOSH');
  const wendy = new Participant('wendy', 'socket.io-client');
  everyone = [tess, will, stella, bella, wendy];
  const xmppUsers = everyone.filter((p) => p !== wendy);
  const clients = {
    tess: xmppClient(tess, to.tcp, 'tcp'),
    will: xmppClient(will, to.ws, 'ws'),
    stella: stropheClient(stella, to.ws, 'ws'),
    bella: stropheClient(bella, to.bosh, 'bosh'),
    wendy: webClient(wendy, config.webUrl, config.scenario === 'rolling'),
  };
  // The room is the web chat's: its web user is in it first, so that no XMPP client creates it (a room an XMPP
  // client creates is locked until that client sets it up, which these clients do not).
  for (const name of ['wendy', 'tess', 'will', 'stella', 'bella']) {
    result.waitingFor = `${name} to log in`;
    await clients[name].start();
  }
  await until('everyone in the room', () => everyone.every((p) => p.joined));
  await until('everyone sees the others', () => everyone.every((p) => everyone.filter((o) => o !== p)
    .every((o) => p.presence.some((line) => line.startsWith(`${o.name} `)))));

  const rounds = 3;
  for (let round = 0; round < rounds; round++) {
    for (const p of everyone) {
      await clients[p.name].say(`${p.name} ${round}`);
    }
  }
  const before = rounds * everyone.length;
  await until('every message everywhere', () => everyone.every((p) => p.order.length === before));
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

  if (config.scenario === 'rolling') {
    await rollingRestart(clients, xmppUsers);
    return;
  }
  const lastSeen = Object.fromEntries(everyone.map((p) => [p.name, p.order[p.order.length - 1]]));
  const dropsBefore = Object.fromEntries(everyone.map((p) => [p.name, p.drops]));
  const onlineBefore = Object.fromEntries(everyone.map((p) => [p.name, p.online]));
  const resumedBefore = Object.fromEntries(everyone.map((p) => [p.name, p.resumed]));
  everyone.forEach((p) => { p.presence.length = 0; });
  // Said in the last moment before the kill: the record of the node that dies may not count them yet, so a client
  // resuming elsewhere sends them again, and they must not be stored twice.
  const lastWords = [clients.tess, clients.will];
  for (const c of lastWords) {
    await c.say('last word');
  }
  await ready('KILLED');
  const killedAt = Date.now();
  const away = 10;
  for (let i = 0; i < away; i++) {
    await clients.wendy.say(`while away ${i}`);
  }
  // The dead node's clients have noticed (their connection closed, or their next BOSH request failed) by now.
  await sleep(2 * RECONNECT_DELAY_MS);
  const dropped = xmppUsers.filter((p) => p.drops > dropsBefore[p.name]);
  result.dropped = dropped.map((p) => p.name);
  result.backAfterMs = {};
  await Promise.all(dropped.map(async (p) => {
    await until(`${p.name} back online elsewhere`, () => (p.online > onlineBefore[p.name]
      || p.resumed > resumedBefore[p.name]) && p.joined, 40_000);
    const resumed = p.resumed > resumedBefore[p.name];
    result.backAfterMs[p.name] = { kind: p.kind, ms: p.joinedAt - killedAt, resumed };
    if (!resumed) {
      await clients[p.name].catchUp(lastSeen[p.name]);
    }
  }));
  const resumed = dropped.filter((p) => result.backAfterMs[p.name].resumed);
  const said = before + lastWords.length + away;
  await until('everyone heard everything', () => everyone.every((p) => p.order.length >= said));
  // A message stored twice would show as one more, heard by everyone, a while later.
  await sleep(1000);
  result.heard = Object.fromEntries(everyone.map((p) => [p.name, p.order.length]));
  // Those who stayed heard the room live, in its order, and so did those who resumed their streams (what they missed
  // first); those who joined again heard part of it from the archive.
  const byId = (p) => [...p.order].sort((a, b) => Number(a) - Number(b));
  result.afterKill = Object.fromEntries(everyone.map((p) => [p.name, byId(p).map((id) => `${id} ${p.said.get(id)}`)]));
  result.sameOrderAfterKill = everyone.every((p) => JSON.stringify(byId(p)) === JSON.stringify(wendy.order))
    && everyone.filter((p) => !dropped.includes(p) || resumed.includes(p))
      .every((p) => JSON.stringify(p.order) === JSON.stringify(byId(p)));
  result.duplicates = everyone.reduce((sum, p) => sum + (p.duplicates || 0), 0);
  const stayed = everyone.filter((p) => !dropped.includes(p));
  // The XMPP occupants see the dead node's occupants leave the room and come back; to the web chat's users they never
  // left, back within the dead node's presence grace (the test's nodes keep the default: 10 s once found dead).
  const xmppStayed = stayed.filter((p) => p !== wendy);
  await until('the XMPP occupants who stayed see the others leave and come back', () => dropped.every((gone) =>
    xmppStayed.every((p) => p.presence.includes(`${gone.name} unavailable`)
      && p.presence.includes(`${gone.name} available`))));
  result.presence = Object.fromEntries(stayed.map((p) => [p.name, p.presence]));

  await Promise.all(Object.values(clients).map((c) => c.stop()));
  finish(null);
}

/**
 * The rolling restart: the test stops each node (SIGTERM) and starts it again, in turn, while the web user talks
 * through the proxy; then says RESTARTED. Every client comes back each time its node stops — resuming its stream,
 * recovering its socket, or joining again and catching up through MAM — and hears everything said, once.
 */
async function rollingRestart(clients, xmppUsers) {
  const lastSeen = Object.fromEntries(everyone.map((p) => [p.name, p.order[p.order.length - 1]]));
  const onlineBefore = Object.fromEntries(everyone.map((p) => [p.name, p.online]));
  const resumedBefore = Object.fromEntries(everyone.map((p) => [p.name, p.resumed]));
  const dropsBefore = Object.fromEntries(everyone.map((p) => [p.name, p.drops]));
  let restarted = false;
  const told = ready('RESTARTED').then(() => { restarted = true; });
  for (let i = 0; !restarted && i < 300; i++) {
    // A message whose answer a stopping node never gave is looked for in the history, like every other.
    await Promise.race([clients.wendy.say(`during the restarts ${i}`), sleep(5000)]);
    await sleep(200);
  }
  await told;
  await until('every XMPP user back in the room', () => xmppUsers.every((p) => p.joined), 40_000);
  const rejoined = xmppUsers.filter((p) => p.online > onlineBefore[p.name]);
  for (const p of rejoined) {
    await clients[p.name].catchUp(lastSeen[p.name]);
  }
  const history = await clients.wendy.ask('history', { room: ROOM, limit: 100 });
  const said = history.messages.map((m) => String(m.id)).filter((id) => Number(id) > Number(lastSeen.wendy));
  await until('everyone heard everything said during the restarts',
    () => everyone.every((p) => said.every((id) => p.said.has(id))), 30_000).catch((e) => {
    const missed = everyone.map((p) => [p.name, said.filter((id) => !p.said.has(id))]).filter(([, ids]) => ids.length);
    throw new Error(`${e.message}; missed: ${JSON.stringify(Object.fromEntries(missed))}`);
  });
  const heardLive = everyone.filter((p) => !rejoined.includes(p));
  result.rolling = {
    said: said.length,
    resumed: Object.fromEntries(xmppUsers.map((p) => [p.name, p.resumed - resumedBefore[p.name]])),
    rejoined: rejoined.map((p) => p.name),
    drops: Object.fromEntries(everyone.map((p) => [p.name, p.drops - dropsBefore[p.name]])),
    webRecoveries: everyone.find((p) => p.name === 'wendy').recoveries || 0,
    // Those who never joined again heard it live, in the room's order; the others have it all, by id.
    inOrder: heardLive.every((p) => JSON.stringify(p.order.filter((id) => said.includes(id))) === JSON.stringify(said)),
    heardLive: heardLive.map((p) => p.name),
    duplicates: Object.fromEntries(everyone.map((p) => [p.name, p.duplicates || 0])),
  };
  result.duplicates = everyone.reduce((sum, p) => sum + (p.duplicates || 0), 0);
  await Promise.all(Object.values(clients).map((c) => c.stop()));
  finish(null);
}

main().catch(finish);
