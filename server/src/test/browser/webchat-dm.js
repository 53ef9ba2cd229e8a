// A web user's direct messages with an XMPP user, in headless Chromium:
//   node webchat-dm.js <port> <user> <password> <peer>
// The user logs in, opens the conversation with <peer>, finds what <peer> said before, replies, sees <peer>'s live
// answer ("live from XMPP", sent when the reply reached <peer>), reloads, and finds the conversation again.
// Prints "WEBCHAT-DM-RESULT {...}" and exits 0 when every step passed; exits non-zero at the first that did not.
'use strict';

const { launchChromium, giveUpAfter } = require('./browser');
const { check, send, seeMessage } = require('./chat-page');

const OVERALL_TIMEOUT_MS = 60000;

const [port, user, password, peer] = process.argv.slice(2, 6);
const base = `http://127.0.0.1:${port}`;
const problems = [];

giveUpAfter('webchat-dm', OVERALL_TIMEOUT_MS);

/** The ids the page shows for messages with these texts. */
function ids(page, texts) {
  return page.evaluate((wanted) => wanted.map((text) => {
    const item = [...document.querySelectorAll('#message-list .msg')]
      .find((li) => li.querySelector('.text').textContent === text);
    return item ? item.dataset.id : null;
  }), texts);
}

(async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // 401: the page asks who is logged in before anyone is.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) {
        problems.push(`console error: ${message.text()}`);
      }
    });

    await page.goto(base + '/');
    await page.locator('#login-form').waitFor();
    await page.fill('#username', user);
    await page.fill('#password', password);
    await page.click('#login-btn');
    await page.locator('#chat').waitFor();

    await page.fill('#direct-input', peer);
    await page.press('#direct-input', 'Enter');
    await page.locator('#room-title', { hasText: '@ ' + peer }).waitFor();
    await seeMessage(page, peer, 'hi from XMPP');
    await page.locator('#member-list li', { hasText: peer }).waitFor();

    await send(page, 'hi from the browser');
    await seeMessage(page, user, 'hi from the browser');
    await seeMessage(page, peer, 'live from XMPP');
    const live = await ids(page, ['hi from XMPP', 'hi from the browser', 'live from XMPP']);

    await page.reload();
    await page.locator('#direct-list a', { hasText: '@ ' + peer }).waitFor();
    await page.locator('#direct-list a', { hasText: '@ ' + peer }).click();
    await seeMessage(page, peer, 'live from XMPP');
    await seeMessage(page, user, 'hi from the browser');
    const reloaded = await ids(page, ['hi from XMPP', 'hi from the browser', 'live from XMPP']);

    check(problems.length === 0, problems.join('; '));
    console.log('WEBCHAT-DM-RESULT ' + JSON.stringify({ live, reloaded }));
  } finally {
    await browser.close();
  }
  process.exit(0);
})().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
