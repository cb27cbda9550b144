// Browser end-to-end test of examples/chat, driven by
// examples/chat/chat_test.go (TestBrowser). It opens the chat in headless
// Chromium (Debian's /usr/bin/chromium) through playwright-core and checks
// what a person would see. Each passed check prints "ok - <name>"; any
// failure exits non-zero.
//
// Environment (set by the Go test):
//   CHAT_URL       the chat server, like http://127.0.0.1:40123
//   CONTROL_URL    GET $CONTROL_URL/restart stops the chat server and
//                  starts a new one on the same port, answering when it listens
//   CHROMIUM       the browser executable (default /usr/bin/chromium)
//   CHROMIUM_ARGS  a JSON array of flags (default: the four flags)
//   SCREENSHOT     where to save the screenshot of the chat (PNG)
"use strict";
const { ok, check, sleep, open: openAt, connected, send, delivered, received, logText, run } = require("./chatpage");

const chatURL = process.env.CHAT_URL;
const controlURL = process.env.CONTROL_URL;
const shot = process.env.SCREENSHOT || "/tmp/socketeer-artifacts/chat.png";

const open = (browser, nick, room) => openAt(browser, chatURL, nick, room);

async function chat(browser) {
  check(chatURL && controlURL, "CHAT_URL and CONTROL_URL are set");
  const alice = await open(browser, "alice", "lobby");
  const bob = await open(browser, "bob", "lobby");
  const carol = await open(browser, "carol", "games");
  check((await alice.locator("#missing").isHidden()), "the missing-library banner is hidden");
  ok("three pages connected with nicknames from auth, each joined its room");

  await alice.locator("#log li.system", { hasText: "bob joined the chat" }).waitFor();
  ok("connect notice: alice sees bob joining");

  await send(alice, "hello from alice");
  await delivered(alice, "hello from alice");
  await received(bob, "hello from alice");
  await send(bob, "hi alice, bob here");
  await delivered(bob, "hi alice, bob here");
  await received(alice, "hi alice, bob here");
  ok("two pages in the same room see each other's messages, with ✓ acks");

  await send(carol, "anyone playing?");
  await delivered(carol, "anyone playing?");
  await sleep(300); // anything wrongly sent to carol would have arrived by now
  const carolLog = await logText(carol);
  check(!carolLog.includes("hello from alice") && !carolLog.includes("hi alice"), "carol saw no #lobby message: " + carolLog);
  const aliceLog = await logText(alice);
  check(!aliceLog.includes("anyone playing?"), "alice saw no #games message: " + aliceLog);
  ok("a page in another room sees none of them");

  await sleep(1100); // the page sends at most one typing notice a second
  await bob.locator("#message").pressSequentially("typ");
  await alice.locator("#typing", { hasText: "bob is typing in #lobby" }).waitFor();
  check(!(await carol.locator("#typing").innerText()).includes("bob"), "carol sees no typing notice of bob");
  check(!(await bob.locator("#typing").innerText()).includes("bob"), "bob does not see his own typing notice");
  ok("typing notice goes to the room, not to the typist or other rooms");

  await carol.locator("#users li", { hasText: "alice" }).click();
  await carol.locator("#target", { hasText: "to @alice (private)" }).waitFor();
  await send(carol, "psst, alice");
  await delivered(carol, "psst, alice");
  await alice.locator("#log li.private", { hasText: "psst, alice" }).waitFor();
  await sleep(200);
  check(!(await logText(bob)).includes("psst"), "bob did not see the private message");
  ok("private message reaches only its target");

  await send(alice, "x".repeat(501));
  await alice.locator("#error", { hasText: "text is longer than 500 characters" }).waitFor();
  check((await alice.locator("#log li.mine", { hasText: "xxxxxxxxxx" }).count()) === 0, "the rejected message is not in the log");
  ok("a too-long message shows the validation error from the server");
  await send(alice, "");
  await alice.locator("#error", { hasText: "text is required" }).waitFor();
  ok("an empty message shows the validation error too");

  await bob.fill("#nick-input", "bobby");
  await bob.click("#nick-form button");
  await alice.locator("#log li.system", { hasText: "bob is now known as bobby" }).waitFor();
  await alice.locator("#users li", { hasText: "bobby" }).waitFor();
  ok("set_nickname renames bob for everyone");
  await bob.locator("#status", { hasText: "connected as bobby" }).waitFor();
  ok("the renamed page's status badge shows its new name");

  await sleep(1100); // the page sends at most one typing notice a second
  await bob.locator("#message").pressSequentially("on my way");
  await alice.locator("#typing", { hasText: "bobby is typing in #lobby" }).waitFor();
  await send(bob, "on my way");
  await received(alice, "on my way");
  check((await alice.locator("#typing").innerText()) === "", "the typing notice went when bobby's message arrived");
  ok("a typing notice goes as soon as the typist's message arrives");

  // Connection state recovery: alice's connection drops; what bobby sends
  // meanwhile shows on her page once she is back, in order, each once.
  await alice.evaluate(() => { window.chat.socket.io.reconnection(false); window.chat.socket.io.engine.close(); });
  await alice.locator("#log li.system", { hasText: "disconnected (forced close)" }).waitFor();
  const away = [1, 2, 3, 4, 5].map((i) => "while alice was away " + i);
  for (const text of away) {
    await send(bob, text);
    await delivered(bob, text);
  }
  await alice.evaluate(() => { window.chat.socket.io.reconnection(true); window.chat.socket.connect(); });
  await alice.locator("#log li.system", { hasText: "reconnected as alice: nothing was lost" }).waitFor();
  await connected(alice, "alice", "lobby");
  await send(bob, "welcome back alice");
  await received(alice, "welcome back alice");
  const lines = (await alice.locator("#log li.msg:not(.mine) .text").allInnerTexts())
    .filter((t) => t.startsWith("while alice was away") || t === "welcome back alice");
  check(JSON.stringify(lines) === JSON.stringify([...away, "welcome back alice"]),
    "alice got the messages sent while she was away in order, no gap, no duplicate: " + JSON.stringify(lines));
  check(!(await logText(bob)).includes("alice left the chat"), "bobby was not told alice left");
  check((await alice.locator("#log li.system", { hasText: "welcome, alice!" }).count()) === 1, "alice was not welcomed as a new person");
  ok("a page whose connection dropped gets the messages sent meanwhile, no gap and no duplicate");

  // A renamed page that loses its connection comes back under its new name.
  await bob.evaluate(() => { window.chat.socket.io.reconnection(false); window.chat.socket.io.engine.close(); });
  await bob.locator("#log li.system", { hasText: "disconnected (forced close)" }).waitFor();
  // A message sent while bob is away: a round trip through the server, so
  // that the server has seen bob's connection go (and kept its session)
  // before bob comes back, and a missed message that must come back too.
  await send(alice, "while bobby was away");
  await delivered(alice, "while bobby was away");
  await bob.evaluate(() => { window.chat.socket.io.reconnection(true); window.chat.socket.connect(); });
  await bob.locator("#log li.system", { hasText: "reconnected as bobby: nothing was lost" }).waitFor();
  await connected(bob, "bobby", "lobby");
  await received(bob, "while bobby was away");
  check(!(await bob.locator("#status").innerText()).includes("guest-"), "bob's badge did not revert to a guest name");
  ok("a renamed page keeps its new name in the badge after a recovered reconnection");

  await carol.close({ runBeforeUnload: true }); // the page says it leaves on pagehide
  await alice.locator("#log li.system", { hasText: "carol left the chat" }).waitFor();
  ok("disconnect notice: alice sees carol leave");

  await alice.screenshot({ path: shot });
  console.log("screenshot: " + shot);

  const res = await fetch(controlURL + "/restart");
  check(res.ok, "the control server restarted the chat: " + res.status + " " + (await res.text()));
  await alice.locator("#log li.system", { hasText: "disconnected (transport close)" }).waitFor();
  await connected(alice, "alice", "lobby");
  await connected(bob, "bobby", "lobby");
  await send(alice, "still here after the restart");
  await delivered(alice, "still here after the restart");
  await received(bob, "still here after the restart");
  ok("pages survive a server restart: they reconnect, rejoin their rooms and chat on");
  const after = shot.replace(/\.png$/, "") + "-after-restart.png";
  await bob.screenshot({ path: after });
  console.log("screenshot: " + after);
}

run(chat);
