// Debian's Chromium for the browser tests, started headless through playwright-core; and the deadline after which a
// test script gives up by itself.
'use strict';

const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30000 });
}

/** Exits with 3 after ms, saying what was done by then (done: a function returning the steps, or nothing). */
function giveUpAfter(script, ms, done) {
  setTimeout(() => {
    console.error(`${script}: still running after ${ms} ms${done ? `; steps done: ${done().join(', ')}` : ''}`);
    process.exit(3);
  }, ms);
}

module.exports = { launchChromium, giveUpAfter };
