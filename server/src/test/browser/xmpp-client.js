// converse.js, the node's XMPP web client (/xmpp-client/), in headless Chromium over BOSH, in a room with a web
// chat user in a second page: each sees what the other says, and neither page asks anything of another site.
// With kill, behind a proxy: once they have talked the script prints XMPP-CLIENT-READY and waits for a line "KILLED"
// (the test killed converse's node); the web user talks meanwhile, and converse, back on another node, shows it.
//   node xmpp-client.js '<json config>'
// config: base (where the pages are), domain, user/password (converse), webUser/webPassword (the web chat), room,
//         screenshots (a folder for the pages' pictures), kill (true to outlive the kill of converse's node)
// Prints "XMPP-CLIENT-RESULT {...}" and exits 0 when every step passed; exits non-zero at the first that did not.
'use strict';

const fs = require('fs');
const path = require('path');
const { launchChromium, giveUpAfter } = require('./browser');
const readline = require('readline');
const { check, joinRoom, send, seeMessage, STEP_TIMEOUT_MS } = require('./chat-page');

const OVERALL_TIMEOUT_MS = 150000;
/** How long converse may take to be back after its node died: it finds the node gone, reconnects, resumes. */
const BACK_TIMEOUT_MS = 60000;

const config = JSON.parse(process.argv[2]);
const roomJid = `${config.room}@conference.${config.domain}`;
const problems = [];
const elsewhere = [];
let killed = false;

giveUpAfter('xmpp-client', OVERALL_TIMEOUT_MS);

function watch(page, name) {
  page.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
  page.on('console', (message) => {
    // 401: the web chat asks who is logged in before anyone is. The converse page's footer names its sponsors with
    // their logos on converse's web site, which the page's policy refuses: nothing leaves for it. converse asks the
    // user's PEP (XEP-0163) for their favourite emoji, which this server does not serve, and logs the answer
    // (service-unavailable) as an error.
    // Once converse's node is killed, its requests to it fail until it is back elsewhere: that is the test.
    const text = message.text();
    if (message.type() === 'error' && !killed && !/status of 401/.test(text)
        && !/'https:\/\/conversejs\.org\/media\/logos\/[^']*' violates .*Content Security Policy/.test(text)
        && !/^<iq [^>]*type="error"[^>]*><error type="cancel"><service-unavailable /.test(text)) {
      problems.push(`${name}: console error: ${message.text()}`);
    }
  });
  // What left for another site: answered, or failed on the way for any reason but the page's policy stopping it
  // in the browser (Chromium says 'csp').
  const external = (request) => !request.url().startsWith(config.base)
    && !request.url().startsWith(config.base.replace('http', 'ws')) && !/^(data|blob):/.test(request.url());
  page.on('requestfinished', (request) => { if (external(request)) elsewhere.push(request.url()); });
  page.on('requestfailed', (request) => {
    if (external(request) && request.failure().errorText !== 'csp') {
      elsewhere.push(`${request.url()} (${request.failure().errorText})`);
    }
  });
}

/** Waits until converse shows a message with this text in the room. */
async function converseSees(page, text, timeout = STEP_TIMEOUT_MS) {
  await page.locator('converse-muc .chat-msg__text', { hasText: text }).first().waitFor({ timeout });
}

/**
 * Says the pages are ready, then waits for the test's word that converse's node is dead. The kill may come at once:
 * from here on converse's requests to that node may fail.
 */
function whenKilled() {
  const told = new Promise((resolve) => readline.createInterface({ input: process.stdin })
    .on('line', (line) => { if (line.trim() === 'KILLED') resolve(); }));
  killed = true;
  console.log('XMPP-CLIENT-READY');
  return told;
}

(async () => {
  const browser = await launchChromium();
  try {
    const web = await browser.newPage();
    watch(web, 'web chat');
    await web.goto(config.base + '/');
    await web.locator('#login-form').waitFor();
    await web.fill('#username', config.webUser);
    await web.fill('#password', config.webPassword);
    await web.click('#login-btn');
    await web.locator('#chat').waitFor();
    await joinRoom(web, config.room);

    const xmpp = await browser.newPage();
    watch(xmpp, 'converse');
    // A link to the room, as converse takes them: it opens once the user has logged in.
    await xmpp.goto(`${config.base}/xmpp-client/?transport=bosh#converse/room?jid=${roomJid}`);
    await xmpp.locator('converse-login-form input[name="jid"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await xmpp.fill('converse-login-form input[name="jid"]', config.user);
    await xmpp.fill('converse-login-form input[name="password"]', config.password);
    await xmpp.locator('converse-login-form [type="submit"]').click();
    await xmpp.locator('converse-roster').waitFor({ timeout: STEP_TIMEOUT_MS });
    const textarea = xmpp.locator('converse-muc textarea.chat-textarea');
    await textarea.waitFor({ timeout: STEP_TIMEOUT_MS });

    await textarea.fill('hello from converse');
    await textarea.press('Enter');
    await seeMessage(web, config.user, 'hello from converse');
    await send(web, 'hello from the web chat');
    await converseSees(xmpp, 'hello from the web chat');

    fs.mkdirSync(config.screenshots, { recursive: true });
    await xmpp.screenshot({ path: path.join(config.screenshots, 'converse.png') });
    await web.screenshot({ path: path.join(config.screenshots, 'web-chat.png') });

    const result = { transport: 'bosh' };
    if (config.kill) {
      await whenKilled();
      const killedAt = Date.now();
      await send(web, 'said while converse was away');
      await converseSees(xmpp, 'said while converse was away', BACK_TIMEOUT_MS);
      result.backAfterMs = Date.now() - killedAt;
      await textarea.fill('converse is back');
      await textarea.press('Enter');
      await seeMessage(web, config.user, 'converse is back');
      result.messagesShown = await xmpp.locator('converse-muc .chat-msg__text').allTextContents();
      await xmpp.screenshot({ path: path.join(config.screenshots, 'converse-after-kill.png') });
      await web.screenshot({ path: path.join(config.screenshots, 'web-chat-after-kill.png') });
    }

    check(problems.length === 0, problems.join('; '));
    check(elsewhere.length === 0, `requests to elsewhere: ${elsewhere.join(', ')}`);
    console.log('XMPP-CLIENT-RESULT ' + JSON.stringify(result));
  } finally {
    await browser.close();
  }
  process.exit(0);
})().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
