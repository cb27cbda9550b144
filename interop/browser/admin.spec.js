// Browser end-to-end test of the Socket.IO Admin UI served by
// examples/chat, driven by examples/chat/chat_test.go (TestAdminUI). Two
// chat pages and Node's own admin UI (@socket.io/admin-ui, embedded by
// package admin and served at /admin/) run in headless Chromium through
// playwright-core; the UI logs in, lists the pages' sockets and rooms and
// disconnects one of them, which that page shows. Each passed check prints
// "ok - <name>"; any failure exits non-zero.
//
// Environment (set by the Go test):
//   CHAT_URL        the chat server, like http://127.0.0.1:40123
//   ADMIN_USER      the admin login
//   ADMIN_PASSWORD  its password (the server has its bcrypt hash)
//   CHROMIUM        the browser executable (default /usr/bin/chromium)
//   CHROMIUM_ARGS   a JSON array of flags
//   USER_DATA_DIR   a new, empty Chromium profile directory
//   SCREENSHOT      where to save the screenshot of the UI (PNG)
"use strict";
const { chromium } = require("playwright-core");

const chatURL = process.env.CHAT_URL;
const user = process.env.ADMIN_USER;
const password = process.env.ADMIN_PASSWORD;
const shot = process.env.SCREENSHOT || "/tmp/socketeer-artifacts/admin-ui.png";
const args = JSON.parse(process.env.CHROMIUM_ARGS || "[]");
const timeout = 10000;

const ok = (name) => console.log("ok - " + name);
function check(cond, what) { if (!cond) throw new Error("check failed: " + what); }

// until polls cond until it holds, or fails after timeout.
async function until(cond, what) {
  for (const end = Date.now() + timeout; !(await cond());) {
    check(Date.now() < end, what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// newPage opens a page of ctx that logs its errors under name.
async function newPage(ctx, name) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(timeout);
  page.on("pageerror", (e) => console.log(`[${name}] page error: ${e}`));
  page.on("console", (m) => { if (m.type() === "error") console.log(`[${name}] console: ${m.text()}`); });
  page.on("requestfailed", (r) => console.log(`[${name}] request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  return page;
}

// openChat loads the chat as nick in room and returns the page and its
// socket id, once the room is joined.
async function openChat(ctx, nick, room) {
  const page = await newPage(ctx, nick);
  await page.goto(`${chatURL}/?nickname=${nick}&room=${room}`);
  await page.locator("#status", { hasText: "connected as " + nick }).waitFor();
  await page.locator(`#rooms li[data-room="${room}"][data-joined="yes"]`).waitFor();
  const id = await page.locator("#users li.me").getAttribute("data-id");
  check(id, nick + "'s page shows its socket id");
  return { page, id };
}

// login fills the UI's connection form with the chat's origin and the
// admin login, and waits until the UI says it is connected.
async function login(page) {
  await page.goto(chatURL + "/admin/");
  const form = page.locator(".v-dialog");
  await form.getByLabel("Server URL").fill(chatURL);
  await form.getByLabel("Username").fill(user);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Connect" }).click();
  await form.waitFor({ state: "hidden" });
  await page.getByText(/^\s*connected\s*$/i).first().waitFor();
}

async function main() {
  check(chatURL && user && password, "CHAT_URL, ADMIN_USER and ADMIN_PASSWORD are set");
  const ctx = await chromium.launchPersistentContext(process.env.USER_DATA_DIR, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args,
    headless: true,
    timeout: 60000,
    viewport: { width: 1280, height: 720 },
  });
  try {
    await run(ctx);
  } catch (err) {
    for (const [i, page] of ctx.pages().entries()) {
      const path = shot.replace(/\.png$/, "") + `-failed-${i}.png`;
      await page.screenshot({ path }).then(() => console.log("screenshot: " + path), () => {});
    }
    throw err;
  } finally {
    await ctx.close();
  }
}

async function run(ctx) {
  const alice = await openChat(ctx, "alice", "lobby");
  const bob = await openChat(ctx, "bob", "games");
  ok("two chat pages connected: alice in #lobby, bob in #games");

  const ui = await newPage(ctx, "admin-ui");
  await login(ui);
  ok("the admin UI logged in to the chat's origin");

  await ui.goto(chatURL + "/admin/#/sockets/");
  const rowOf = (id) => ui.locator("tbody tr", { hasText: id });
  await rowOf(alice.id).waitFor();
  await rowOf(bob.id).waitFor();
  ok("the UI lists both pages' sockets");

  await ui.goto(chatURL + "/admin/#/rooms/");
  await ui.locator("tbody tr", { hasText: "lobby" }).waitFor();
  await ui.locator("tbody tr", { hasText: "games" }).waitFor();
  ok("the UI lists their rooms, lobby and games");

  await ui.goto(chatURL + "/admin/#/sockets/");
  await rowOf(bob.id).waitFor();
  await ui.waitForTimeout(500); // let the table and icons settle for the picture
  await ui.screenshot({ path: shot });
  console.log("screenshot: " + shot);

  // The button is in the row, whose click also opens the socket's details.
  await rowOf(bob.id).locator("button:has(.mdi-logout)").click();
  await bob.page.locator("#log li.system", { hasText: "disconnected (io server disconnect)" }).waitFor();
  await ui.locator(".v-navigation-drawer").getByText("Sockets", { exact: true }).click();
  await rowOf(alice.id).waitFor();
  await until(async () => (await rowOf(bob.id).count()) === 0, "bob's socket leaves the UI's list");
  check((await alice.page.locator("#status").innerText()).includes("connected as alice"), "alice is still connected");
  ok("disconnecting bob from the UI: bob's page shows it, alice stays");
  const after = shot.replace(/\.png$/, "") + "-after-disconnect.png";
  await ui.screenshot({ path: after });
  console.log("screenshot: " + after);
}

main().then(() => console.log("done"), (err) => {
  console.error("FAIL: " + (err && err.stack || err));
  process.exit(1);
});
