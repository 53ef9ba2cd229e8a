// What a user does on the web chat's page, for the browser tests (webchat.js, webchat-failover.js).
'use strict';

const STEP_TIMEOUT_MS = 15000;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Registers on the page at base and waits until the chat shows. */
async function register(page, base, username, password) {
  await page.goto(base + '/');
  await page.locator('#login-form').waitFor();
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#register-btn');
  await page.locator('#chat').waitFor();
  check(await page.textContent('#me') === username, `${username} is shown as logged in`);
}

async function joinRoom(page, room) {
  await page.fill('#room-input', room);
  await page.press('#room-input', 'Enter');
  await page.locator('#room-title', { hasText: '# ' + room }).waitFor();
  await page.locator('#member-list li', { hasText: '(you)' }).waitFor();
}

async function send(page, text) {
  await page.fill('#send-text', text);
  await page.press('#send-text', 'Enter');
}

/** Waits until a message with this text, from this user, is in the list. */
async function seeMessage(page, user, text) {
  await page.waitForFunction(([u, t]) => [...document.querySelectorAll('#message-list .msg')]
    .some((li) => li.querySelector('.user').textContent === u && li.querySelector('.text').textContent === t),
  [user, text], { timeout: STEP_TIMEOUT_MS });
}

module.exports = { check, register, joinRoom, send, seeMessage, STEP_TIMEOUT_MS };
