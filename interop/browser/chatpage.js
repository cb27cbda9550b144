// Helpers of the chat page's browser tests (chat.spec.js, cluster.spec.js):
// launching Chromium and driving templates/static/chat.js as a person would.
"use strict";
const { chromium } = require("playwright-core");

const timeout = 10000;

const ok = (name) => console.log("ok - " + name);
function check(cond, what) { if (!cond) throw new Error("check failed: " + what); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// launch starts headless Chromium: CHROMIUM (default /usr/bin/chromium)
// with the flags of CHROMIUM_ARGS (a JSON array).
function launch() {
  const args = JSON.parse(process.env.CHROMIUM_ARGS ||
    '["--headless","--no-sandbox","--disable-gpu","--disable-background-networking"]');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args,
    headless: true,
    timeout: 60000,
  });
}

// open loads the chat at url as nick in room and waits until the room is
// joined.
async function open(browser, url, nick, room) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 620 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(timeout);
  page.on("pageerror", (e) => console.log(`[${nick}] page error: ${e}`));
  page.on("console", (m) => { if (m.type() === "error") console.log(`[${nick}] console: ${m.text()}`); });
  await page.goto(`${url}/?nickname=${nick}&room=${room}`);
  await connected(page, nick, room);
  return page;
}

// connected waits until page shows it is connected as nick and in room.
async function connected(page, nick, room) {
  await page.locator("#status", { hasText: "connected as " + nick }).waitFor();
  await page.locator(`#rooms li[data-room="${room}"][data-joined="yes"]`).waitFor();
}

// send types text into the message box and submits it.
async function send(page, text) {
  await page.fill("#message", text);
  await page.click("#send-form button");
}

// delivered waits for the ✓ of the sender's own line holding text.
async function delivered(page, text) {
  await page.locator("#log li.mine", { hasText: text }).locator(".ack", { hasText: "✓" }).waitFor();
}

// received waits until page shows a message from someone else with text.
async function received(page, text) {
  await page.locator("#log li.msg:not(.mine)", { hasText: text }).waitFor();
}

async function logText(page) { return page.locator("#log").innerText(); }

// run calls fn with a launched browser, closes it, prints "done" or the
// failure and exits non-zero on failure.
function run(fn) {
  (async () => {
    const browser = await launch();
    try {
      await fn(browser);
    } finally {
      await browser.close();
    }
  })().then(() => console.log("done"), (err) => {
    console.error("FAIL: " + (err && err.stack || err));
    process.exit(1);
  });
}

module.exports = { timeout, ok, check, sleep, open, connected, send, delivered, received, logText, run };
