// The web chat through a proxy while the node a user is on is killed: the banner shows "Reconnecting…" then
// "Reconnected", and what was said meanwhile appears.
//
//   node webchat-failover.js <proxy url> <screenshot dir>
// Prints WEBCHAT-KILL <node id> when the test should kill alice's node, waits for a line KILLED on stdin, and ends
// with WEBCHAT-RESULT <json> (exit 0) or an error (exit 1).
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { launchChromium, giveUpAfter } = require('./browser');
const { check, register: registerAt, joinRoom, send, seeMessage, STEP_TIMEOUT_MS } = require('./chat-page');

const OVERALL_TIMEOUT_MS = 90000;

const base = process.argv[2];
const shots = process.argv[3];
const steps = [];
const lines = readline.createInterface({ input: process.stdin });
const killed = new Promise((resolve) => lines.on('line', (line) => { if (line.trim() === 'KILLED') resolve(); }));

giveUpAfter('webchat-failover', OVERALL_TIMEOUT_MS, () => steps);

async function step(name, fn) {
  await fn();
  steps.push(name);
  console.log(`ok ${steps.length} - ${name}`);
}

function register(page, username) {
  return registerAt(page, base, username, username + '-secret-1');
}

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await launchChromium();
  try {
    const alice = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
    const bob = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
    alice.setDefaultTimeout(STEP_TIMEOUT_MS);
    bob.setDefaultTimeout(STEP_TIMEOUT_MS);
    // Every text the banner shows, in order: "Reconnecting…" may last less than a poll of it.
    await alice.addInitScript(() => {
      window.bannerLog = [];
      document.addEventListener('DOMContentLoaded', () => {
        const banner = document.getElementById('banner');
        new MutationObserver(() => window.bannerLog.push(banner.textContent))
          .observe(banner, { childList: true, characterData: true, subtree: true });
      });
    });

    await step('two users meet in a room through the proxy', async () => {
      await register(alice, 'alice');
      await register(bob, 'bob');
      await joinRoom(alice, 'failover');
      await joinRoom(bob, 'failover');
      await send(bob, 'hello before');
      await seeMessage(alice, 'bob', 'hello before');
      await send(alice, 'hi bob');
      await seeMessage(bob, 'alice', 'hi bob');
    });

    await step("alice's node is killed mid-conversation", async () => {
      await alice.waitForFunction(() => window.chorusSocket && window.chorusSocket.io.engine
        && window.chorusSocket.io.engine.id);
      const sid = await alice.evaluate(() => window.chorusSocket.io.engine.id);
      console.log('WEBCHAT-KILL ' + sid.substring(0, 12));
      await killed;
    });

    await step('the banner shows reconnecting, then reconnected, and the messages sent meanwhile appear', async () => {
      await send(bob, 'while your node was down');
      await alice.waitForFunction(() => window.bannerLog.some((text) => /Reconnecting/.test(text)));
      await alice.locator('#banner', { hasText: 'Reconnected' }).waitFor();
      await seeMessage(alice, 'bob', 'while your node was down');
      await shot(alice, '10-failover-reconnected');
      const log = await alice.evaluate(() => window.bannerLog);
      const reconnecting = log.findIndex((text) => /Reconnecting/.test(text));
      const reconnected = log.findIndex((text, i) => i > reconnecting && /Reconnected/.test(text));
      check(reconnecting >= 0 && reconnected > reconnecting, 'banner: ' + JSON.stringify(log));
      await send(alice, 'still here');
      await seeMessage(bob, 'alice', 'still here');
    });

    console.log('WEBCHAT-RESULT ' + JSON.stringify({ steps }));
  } finally {
    await browser.close();
  }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: false });
}

main().then(() => process.exit(0), (error) => {
  console.error(`webchat-failover: failed after ${steps.length} steps (${steps.join(', ')}): ${error.stack || error}`);
  process.exit(1);
});
