// Drives the web chat and the admin page in headless Chromium:
//   node webchat.js <port> <screenshot dir> <admin user> <admin password>
// Prints "WEBCHAT-RESULT {...}" and exits 0 when every step passed; exits non-zero at the first that did not.
// Gives up by itself after OVERALL_TIMEOUT_MS.
'use strict';

const fs = require('fs');
const path = require('path');
const { launchChromium, giveUpAfter } = require('./browser');
const { check, register: registerAt, joinRoom, send, seeMessage } = require('./chat-page');

const OVERALL_TIMEOUT_MS = 90000;
const STEP_TIMEOUT_MS = 10000;
const RECOVERY_WINDOW_MS = 4000;   // the recovery window of the node WebChatIT starts
const XSS = '<img src=x onerror=alert(1)>';

const port = Number(process.argv[2]);
const shots = process.argv[3] || path.join(process.cwd(), 'screenshots');
const [adminUser, adminPassword] = process.argv.slice(4, 6);
const base = `http://127.0.0.1:${port}`;
const steps = [];
const problems = [];   // page errors, dialogs, failed requests: each fails the run

giveUpAfter('webchat', OVERALL_TIMEOUT_MS, () => steps);

async function step(name, fn) {
  const started = Date.now();
  await fn();
  steps.push(name);
  console.log(`ok ${steps.length} - ${name} (${Date.now() - started} ms)`);
}

/** Fails the run on page errors, failed requests and (unless expected, as the admin page's confirms) dialogs. */
function watch(page, who, acceptDialogs = false) {
  page.on('pageerror', (error) => problems.push(`${who}: page error: ${error.message}`));
  page.on('dialog', async (dialog) => {
    if (acceptDialogs && dialog.type() === 'confirm') {
      await dialog.accept();
      return;
    }
    problems.push(`${who}: a ${dialog.type()} dialog opened: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('console', (message) => {
    // 401: a session that ended; 404: the admin view, which is not there for those who are not admins.
    if (message.type() === 'error' && !/status of 40[14]/.test(message.text())) {
      problems.push(`${who}: console error: ${message.text()}`);
    }
  });
  page.on('requestfailed', (request) => {
    // Requests cut short by a reload or a closed socket are fine; anything else is not.
    const why = request.failure() ? request.failure().errorText : '';
    if (!/ERR_ABORTED/.test(why)) problems.push(`${who}: request failed: ${request.url()} ${why}`);
  });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: false });
}

function register(page, username, password) {
  return registerAt(page, base, username, password);
}

async function main() {
  check(Number.isInteger(port) && port > 0, 'usage: node webchat.js <port> <screenshot dir>');
  fs.mkdirSync(shots, { recursive: true });
  const browser = await launchChromium();
  try {
    const contextA = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const contextB = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    contextA.setDefaultTimeout(STEP_TIMEOUT_MS);
    contextB.setDefaultTimeout(STEP_TIMEOUT_MS);
    const alice = await contextA.newPage();
    const bob = await contextB.newPage();
    watch(alice, 'alice');
    watch(bob, 'bob');

    await step('the page and the Socket.IO client are served', async () => {
      const response = await bob.goto(base + '/');
      check(response.status() === 200, `GET / answered ${response.status()}`);
      check(/text\/html/.test(response.headers()['content-type']), 'GET / is HTML');
      await bob.locator('#login-form').waitFor();
      check(await bob.evaluate(() => typeof io === 'function'), 'socket.io.min.js loaded');
      await shot(bob, '01-login');
    });

    await step('a wrong login shows the error', async () => {
      await bob.fill('#username', 'nobody');
      await bob.fill('#password', 'wrong password');
      await bob.click('#login-btn');
      await bob.locator('#auth-error', { hasText: 'wrong username or password' }).waitFor();
      await shot(bob, '02-login-error');
    });

    await step('two users register and are logged in', async () => {
      await register(alice, 'alice', 'alice-secret-1');
      await register(bob, 'bob', 'bob-secret-12');
      await alice.locator('#banner[data-transport="websocket"]').waitFor({ state: 'attached' });
    });

    await step('both join a room and see each other online', async () => {
      await joinRoom(alice, 'lobby');
      await joinRoom(bob, 'lobby');
      await alice.locator('#member-list li', { hasText: /^bob$/ }).waitFor();
      await bob.locator('#member-list li', { hasText: /^alice$/ }).waitFor();
    });

    await step('messages go both ways with the right user names', async () => {
      await send(alice, 'Hello Bob, welcome to Chorus!');
      await seeMessage(bob, 'alice', 'Hello Bob, welcome to Chorus!');
      await seeMessage(alice, 'alice', 'Hello Bob, welcome to Chorus!');
      await bob.type('#send-text', 'Hi');
      await alice.locator('#typing', { hasText: 'bob is typing…' }).waitFor();
      await shot(alice, '03-typing');
      await bob.fill('#send-text', 'Hi Alice! Glad to be here.');
      await bob.press('#send-text', 'Enter');
      await seeMessage(alice, 'bob', 'Hi Alice! Glad to be here.');
      check(await bob.inputValue('#send-text') === '', 'the send box is cleared after sending');
    });

    await step('user text is shown as text, never as HTML', async () => {
      await send(bob, XSS);
      await seeMessage(alice, 'bob', XSS);
      await seeMessage(bob, 'bob', XSS);
      check(await alice.locator('#message-list img').count() === 0, 'no <img> was made from a message');
      check(await alice.evaluate(() => !window.__xss), 'no script ran');
      await alice.waitForTimeout(300); // an onerror would have fired by now
      await shot(alice, '04-chat-alice');
      await shot(bob, '05-chat-bob');
    });

    await step('a reload keeps the user logged in, in the room, with the history', async () => {
      await alice.reload();
      await alice.locator('#chat').waitFor();
      check(await alice.textContent('#me') === 'alice', 'still alice after the reload');
      await alice.locator('#room-title', { hasText: '# lobby' }).waitFor();
      await seeMessage(alice, 'alice', 'Hello Bob, welcome to Chorus!');
      await seeMessage(alice, 'bob', 'Hi Alice! Glad to be here.');
      await seeMessage(alice, 'bob', XSS);
      await alice.locator('#member-list li', { hasText: /^bob$/ }).waitFor();
    });

    await step('scrolling to the top loads older messages', async () => {
      await alice.evaluate(async () => {
        for (let i = 1; i <= 60; i++) {
          await window.chorusSocket.timeout(5000).emitWithAck('message', { room: 'lobby', text: 'filler ' + i });
        }
      });
      await seeMessage(bob, 'alice', 'filler 60');
      await alice.reload();
      await alice.locator('#chat').waitFor();
      await seeMessage(alice, 'alice', 'filler 60');
      const first = await alice.locator('#message-list .msg').count();
      check(first === 50, `the first page holds 50 messages (got ${first})`);
      await alice.locator('#messages').evaluate((box) => { box.scrollTop = 0; });
      await seeMessage(alice, 'alice', 'Hello Bob, welcome to Chorus!');
      const all = await alice.locator('#message-list .msg').count();
      check(all === 63, `all 63 messages after loading older ones (got ${all})`);
      await alice.locator('#older', { hasText: 'Beginning of the conversation' }).waitFor();
    });

    await step('a dropped connection is recovered: what was missed is replayed', async () => {
      // Recovery resumes from the offset of the last broadcast received: make sure there is one.
      await send(bob, 'before the drop');
      await seeMessage(alice, 'bob', 'before the drop');
      await alice.evaluate(() => window.chorusSocket.io.engine.close());
      await alice.locator('#banner', { hasText: 'Reconnecting' }).waitFor();
      await send(bob, 'while you were away');
      await alice.locator('#banner', { hasText: 'Reconnected' }).waitFor();
      await alice.locator('#banner[data-recovered="true"]').waitFor({ state: 'attached' });
      await seeMessage(alice, 'bob', 'while you were away');
      await shot(alice, '06-reconnected');
    });

    await step('a reconnection that is not recovered joins the rooms again and reloads the history', async () => {
      // WebChatIT's node keeps a session for RECOVERY_WINDOW_MS: come back later than that.
      await alice.evaluate((wait) => {
        const manager = window.chorusSocket.io;
        manager.reconnectionDelay(wait).reconnectionDelayMax(wait).randomizationFactor(0);
        manager.engine.close();
      }, RECOVERY_WINDOW_MS + 2000);
      await alice.locator('#banner', { hasText: 'Reconnecting' }).waitFor();
      await alice.locator('#banner', { hasText: 'rooms and history reloaded' })
        .waitFor({ timeout: RECOVERY_WINDOW_MS + STEP_TIMEOUT_MS });
      await alice.evaluate(() => window.chorusSocket.io.reconnectionDelay(1000).reconnectionDelayMax(5000)
        .randomizationFactor(0.5));
      check(await alice.getAttribute('#banner', 'data-recovered') === 'false', 'not recovered');
      await send(bob, 'after a fresh start');
      await seeMessage(alice, 'bob', 'after a fresh start');
      await send(alice, 'back again');
      await seeMessage(bob, 'alice', 'back again');
      await alice.locator('#member-list li', { hasText: /^bob$/ }).waitFor();
    });

    await step('logout ends the session: the login form shows again, also after a reload', async () => {
      await alice.click('#logout');
      await alice.locator('#login-form').waitFor();
      check(await alice.locator('#chat').isHidden(), 'the chat is hidden after logout');
      const me = await alice.evaluate(async () => (await fetch('/me')).status);
      check(me === 401, `GET /me after logout answered ${me}`);
      await alice.reload();
      await alice.locator('#login-form').waitFor();
      await bob.locator('#member-list li', { hasText: /^alice$/ }).waitFor({ state: 'detached' });
      await shot(alice, '07-logged-out');
    });

    await step('a narrow screen still shows the chat', async () => {
      await bob.setViewportSize({ width: 390, height: 740 });
      await bob.locator('#send-text').waitFor();
      await shot(bob, '08-narrow');
    });

    await step('the admin view is not there for a user who is not an admin', async () => {
      const status = await bob.evaluate(async () => (await fetch('/admin/api/overview')).status);
      check(status === 404, `GET /admin/api/overview as bob answered ${status}`);
      check(await bob.locator('#admin-link').isHidden(), 'bob sees no admin link');
    });

    const contextRoot = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    contextRoot.setDefaultTimeout(STEP_TIMEOUT_MS);
    const root = await contextRoot.newPage();
    watch(root, 'admin', true);

    await step('an admin logs in and opens the admin page: nodes, rooms, who is online', async () => {
      await root.goto(base + '/');
      await root.locator('#login-form').waitFor();
      await root.fill('#username', adminUser);
      await root.fill('#password', adminPassword);
      await root.click('#login-btn');
      await root.locator('#admin-link').waitFor();
      await root.click('#admin-link');
      await root.locator('#nodes tbody tr').first().waitFor();
      check(await root.locator('#nodes tbody tr').count() === 1, 'one node');
      await root.locator('#rooms tbody tr', { hasText: 'lobby' }).waitFor();
      await root.locator('#online tbody tr', { hasText: /^bob/ }).waitFor();
      await shot(root, '09-admin');
    });

    await step('the admin closes a room: its members are taken out and told', async () => {
      await root.locator('#rooms tbody tr', { hasText: 'lobby' }).locator('button').click();
      await bob.locator('#banner', { hasText: 'closed by an admin' }).waitFor({ state: 'attached' });
      await bob.locator('#joined-list li', { hasText: 'lobby' }).waitFor({ state: 'detached' });
      await root.locator('#rooms tbody tr', { hasText: 'lobby' }).waitFor({ state: 'detached' });
    });

    await step('the admin kicks a user: their session ends, their page asks them to log in', async () => {
      await root.locator('#online tbody tr', { hasText: /^bob/ }).locator('button').click();
      await bob.locator('#login-form').waitFor();
      await bob.locator('#auth-error', { hasText: 'session has ended' }).waitFor();
      await root.locator('#online tbody tr', { hasText: /^bob/ }).waitFor({ state: 'detached' });
      await shot(root, '10-admin-after-kick');
    });

    check(problems.length === 0, 'problems in the pages:\n  ' + problems.join('\n  '));
    console.log('WEBCHAT-RESULT ' + JSON.stringify({ steps }));
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(`webchat: failed after ${steps.length} steps (${steps.join(', ')}): ${error.stack || error}`);
  if (problems.length) console.error('problems in the pages:\n  ' + problems.join('\n  '));
  process.exit(1);
});
