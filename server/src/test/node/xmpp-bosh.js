// strophe.js over BOSH (XEP-0124, XEP-0206) at a node's /xmpp, as a web application in Node uses it, in one room
// with an official Socket.IO client: each hears the other's words, with the same stored id. Prints one line at the
// end: XMPP-BOSH-RESULT <json>.
//
//   node xmpp-bosh.js '<json config>'
//
// config:
//   domain      the node's XMPP domain
//   http        the node's HTTP base address (http://127.0.0.1:PORT)
//   user        the BOSH user, and password its password
//   webCookie   the session cookie of the web user already in the room
//   room        the room
'use strict';
const XHR2 = require('xhr2');
const { DOMParser } = require('@xmldom/xmldom');
const { io } = require('socket.io-client');

// strophe.js reads BOSH answers from responseXML, which xhr2 has none of.
global.XMLHttpRequest = class extends XHR2 {
  get responseXML() {
    const text = this.responseText;
    return text ? new DOMParser().parseFromString(text, 'text/xml') : null;
  }
};
const { Strophe, $pres, $msg } = require('strophe.js');

const config = JSON.parse(process.argv[2]);
const ROOM_JID = `${config.room}@conference.${config.domain}`;
const result = { error: null, boshHeard: [], webHeard: [] };
const deadline = setTimeout(() => finish('timed out'), 40_000);

function finish(error) {
  clearTimeout(deadline);
  result.error = error ? String(error && error.stack ? error.stack : error) : null;
  console.log('XMPP-BOSH-RESULT ' + JSON.stringify(result));
  process.exit(0);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, condition, ms = 15_000) {
  result.waitingFor = what;
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function main() {
  const web = io(config.http, { transports: ['websocket'], extraHeaders: { Cookie: config.webCookie },
    reconnection: false });
  web.on('message', (m) => { if (m.room === config.room) result.webHeard.push(`${m.id} ${m.user}: ${m.text}`); });
  await new Promise((resolve, reject) => { web.on('connect', resolve); web.on('connect_error', reject); });
  const joined = await new Promise((resolve) => web.emit('join', { room: config.room }, resolve));
  if (joined.error) throw new Error(`web join: ${joined.error}`);

  const connection = new Strophe.Connection(`${config.http}/xmpp`);
  let inRoom = false;
  connection.addHandler((presence) => {
    if (presence.getAttribute('from') === `${ROOM_JID}/${config.user}` && !presence.getAttribute('type')) {
      inRoom = true;
    }
    return true;
  }, null, 'presence');
  connection.addHandler((message) => {
    const body = message.getElementsByTagName('body')[0];
    if (body && message.getAttribute('type') === 'groupchat') {
      const ids = Array.from(message.getElementsByTagName('stanza-id'))
        .filter((sid) => sid.getAttribute('by') === ROOM_JID);
      result.boshHeard.push(`${ids.length ? ids[0].getAttribute('id') : '?'} `
        + `${message.getAttribute('from').split('/')[1]}: ${body.textContent}`);
    }
    return true;
  }, null, 'message');
  await new Promise((resolve, reject) => {
    connection.connect(`${config.user}@${config.domain}/browser`, config.password, (status) => {
      if (status === Strophe.Status.CONNECTED) resolve();
      else if (status === Strophe.Status.AUTHFAIL || status === Strophe.Status.CONNFAIL) {
        reject(new Error(`strophe: status ${status}`));
      }
    });
  });
  result.jid = connection.jid;
  connection.send($pres({ to: `${ROOM_JID}/${config.user}` })
    .c('x', { xmlns: 'http://jabber.org/protocol/muc' }).c('history', { maxstanzas: '0' }));
  await until('the BOSH user in the room', () => inRoom);

  connection.send($msg({ to: ROOM_JID, type: 'groupchat' }).c('body').t('hello over BOSH'));
  await until('the web user hears BOSH', () => result.webHeard.some((line) => line.endsWith('hello over BOSH')));
  const answered = await new Promise((resolve) => web.emit('message', { room: config.room, text: 'hi from the web' },
    resolve));
  if (answered.error) throw new Error(`web message: ${answered.error}`);
  await until('BOSH hears the web user', () => result.boshHeard.some((line) => line.endsWith('hi from the web')));
  // Nothing said for longer than a request is held: the session lives on through empty answers.
  await sleep(3_000);
  connection.send($msg({ to: ROOM_JID, type: 'groupchat' }).c('body').t('still here'));
  await until('the web user hears BOSH again', () => result.webHeard.some((line) => line.endsWith('still here')));

  await new Promise((resolve) => {
    connection.addHandler(() => true, null, 'presence');
    connection.disconnect('done');
    setTimeout(resolve, 500);
  });
  result.disconnected = connection.connected === false;
  web.close();
}

main().then(() => finish(null), finish);
