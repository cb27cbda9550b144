// Browser end-to-end test of examples/cluster, driven by
// examples/cluster/nginx_test.go (TestNginxFailover): three chat nodes on
// one Redis behind nginx. Pages open through nginx and directly on nodes
// in headless Chromium; messages, typing notices, private messages and
// renames cross nodes; then the node behind nginx goes and its pages must
// come back through nginx on another node and chat on. With the pub/sub
// adapter the node is killed (a crash) and the pages come back as new
// sockets; with the streams adapter it is stopped gracefully (a rolling
// restart) and the pages recover their sockets and the messages they
// missed. Each passed check prints "ok - <name>"; any failure exits
// non-zero.
//
// Environment (set by the Go test):
//   NGINX_URL      nginx in front of the nodes, like http://127.0.0.1:40123
//   NODES          a JSON object: node name → its own URL
//   CONTROL_URL    GET $CONTROL_URL/kill?node=<name> kills that node (SIGKILL),
//                  GET $CONTROL_URL/stop?node=<name> stops it (SIGTERM) and
//                  waits until it exited cleanly
//   REDIS_ADAPTER  the nodes' adapter: "streams" (recovery on) or "pubsub"
//   CHROMIUM, CHROMIUM_ARGS  the browser and its flags (see chatpage.js)
//   SCREENSHOT     where to save the screenshot taken after the failover (PNG)
"use strict";
const { ok, check, sleep, open, connected, send, delivered, received, logText, run } = require("./chatpage");

const nginxURL = process.env.NGINX_URL;
const nodes = JSON.parse(process.env.NODES || "{}");
const controlURL = process.env.CONTROL_URL;
const shot = process.env.SCREENSHOT || "/tmp/socketeer-artifacts/cluster.png";
const streams = process.env.REDIS_ADAPTER === "streams";

// nodeOf returns the node the page's status badge names ("… on n2").
async function nodeOf(page) {
  const m = (await page.locator("#status").innerText()).match(/ on (\S+)$/);
  return m ? m[1] : "";
}

// transport returns the Engine.IO transport of the page's socket.
const transport = (page) => page.evaluate(() => window.chat.socket.io.engine.transport.name);

// moved waits until page is connected again as nick in room on a node
// other than gone, and returns that node.
async function moved(page, gone, nick, room) {
  await page.waitForFunction((b) => {
    const s = document.getElementById("status").textContent;
    return s.startsWith("connected as ") && / on \S+$/.test(s) && !s.endsWith(" on " + b);
  }, gone, { timeout: 30000 });
  await connected(page, nick, room);
  return nodeOf(page);
}

// control asks the Go test to do what (kill or stop) to node, and checks
// that it did.
async function control(what, node) {
  const res = await fetch(`${controlURL}/${what}?node=${node}`);
  check(res.ok, `the control server was to ${what} ${node}: ${res.status} ${await res.text()}`);
}

// crash kills the node behind nginx (SIGKILL): its pages, alice and bob,
// must come back through nginx on another node, as new sockets.
async function crash(behind, alice, bob) {
  const killedAt = Date.now();
  await control("kill", behind);
  for (const page of [alice, bob]) {
    await page.locator("#log li.system", { hasText: "disconnected (transport close)" }).waitFor();
  }
  const aliceNode = await moved(alice, behind, "alice", "lobby");
  const bobNode = await moved(bob, behind, "bobby", "games");
  check(aliceNode !== behind && aliceNode in nodes && bobNode === aliceNode,
    `alice and bob moved together off ${behind}: ${aliceNode}, ${bobNode}`);
  await alice.waitForFunction(() => window.chat.socket.io.engine.transport.name === "websocket");
  ok(`${behind} killed: its pages reconnected through nginx to ${aliceNode}, upgraded to websocket again`);
  console.log(`failover: both pages connected and in their rooms again ${Date.now() - killedAt}ms after the kill`);
}

// rollingRestart stops the node behind nginx gracefully (SIGTERM), which
// saves its sockets' sessions in Redis. Its pages, alice and bob, are
// held off reconnecting until carol and dave, on the surviving nodes,
// have sent messages into their rooms; then they reconnect through nginx
// to another node and must get their sockets back: recovered, same ids,
// rooms and names, the messages sent meanwhile once each and in order,
// and nobody told they left or joined.
async function rollingRestart(behind, { alice, bob, carol, dave }) {
  const pages = [["alice", alice], ["bob", bob]];
  const ids = {};
  for (const [name, page] of pages) {
    ids[name] = await page.evaluate(() => window.chat.socket.id);
    check(await page.evaluate(() => window.chat.socket.recovered === false), name + " is not a recovered socket yet");
    // Held off: the messages below must be missed, not received live.
    await page.evaluate(() => window.chat.socket.io.reconnection(false));
  }
  const stoppedAt = Date.now();
  await control("stop", behind);
  for (const [, page] of pages) {
    await page.locator("#log li.system", { hasText: "disconnected (transport close)" }).waitFor();
  }
  const away = { lobby: [], games: [] };
  for (let i = 1; i <= 3; i++) {
    for (const [room, page, who] of [["lobby", carol, "carol"], ["games", dave, "dave"]]) {
      const text = `${who} in #${room} while ${behind} restarts ${i}`;
      await send(page, text);
      await delivered(page, text);
      away[room].push(text);
    }
  }
  for (const [, page] of pages) {
    await page.evaluate(() => { window.chat.socket.io.reconnection(true); window.chat.socket.connect(); });
  }
  const aliceNode = await moved(alice, behind, "alice", "lobby");
  const bobNode = await moved(bob, behind, "bobby", "games");
  check(aliceNode !== behind && aliceNode in nodes && bobNode === aliceNode,
    `alice and bob moved together off ${behind}: ${aliceNode}, ${bobNode}`);
  for (const [name, page] of pages) {
    const s = await page.evaluate(() => ({ id: window.chat.socket.id, recovered: window.chat.socket.recovered }));
    check(s.recovered === true && s.id === ids[name],
      `${name} recovered its socket ${ids[name]} on ${aliceNode}: ${JSON.stringify(s)}`);
    await page.locator("#log li.system", { hasText: "nothing was lost" }).waitFor();
  }
  await alice.waitForFunction(() => window.chat.socket.io.engine.transport.name === "websocket");
  ok(`${behind} stopped (SIGTERM): its pages recovered through nginx on ${aliceNode} with their socket ids, upgraded to websocket again`);
  console.log(`rolling restart: both pages recovered ${Date.now() - stoppedAt}ms after the stop began`);

  await send(carol, "after the restart, lobby");
  await received(alice, "after the restart, lobby");
  await send(dave, "after the restart, games");
  await received(bob, "after the restart, games");
  for (const [page, room, last] of [[alice, "lobby", "after the restart, lobby"], [bob, "games", "after the restart, games"]]) {
    const lines = (await page.locator("#log li.msg:not(.mine) .text").allInnerTexts())
      .filter((t) => t.includes(" restarts ") || t === last);
    check(JSON.stringify(lines) === JSON.stringify([...away[room], last]),
      `#${room} got the messages sent while away in order, no gap, no duplicate: ${JSON.stringify(lines)}`);
  }
  ok("the recovered pages got the messages sent while they were away, once each, in order");

  for (const [name, page] of [["alice", alice], ["bob", bob], ["carol", carol], ["dave", dave]]) {
    const log = await logText(page);
    for (const noise of ["alice left", "bobby left", "bob left", "alice joined the chat", "bobby joined the chat"]) {
      check(!log.includes(noise), `${name} saw no "${noise}"`);
    }
  }
  check((await alice.locator("#log li.system", { hasText: "welcome, alice!" }).count()) === 1, "alice was not welcomed as a new person");
  check((await bob.locator("#log li.system", { hasText: "welcome, bob!" }).count()) === 1, "bob was not welcomed as a new person");
  for (const name of ["bobby", "carol", "dave"]) await alice.locator("#users li", { hasText: name }).waitFor();
  ok("nobody saw the recovered pages leave or join; they kept their names and people lists");
}

async function cluster(browser) {
  check(nginxURL && controlURL && Object.keys(nodes).length === 3, "NGINX_URL, CONTROL_URL and three NODES are set");
  const alice = await open(browser, nginxURL, "alice", "lobby");
  const behind = await nodeOf(alice);
  check(behind in nodes, "alice's node is one of " + Object.keys(nodes) + ": " + behind);
  await alice.waitForFunction(() => window.chat.socket.io.engine.transport.name === "websocket");
  ok(`a page through nginx is served by ${behind} and upgraded to websocket`);

  const bob = await open(browser, nginxURL, "bob", "games");
  check((await nodeOf(bob)) === behind, "ip_hash sends bob (same address) to " + behind + ", not " + (await nodeOf(bob)));
  const [other1, other2] = Object.keys(nodes).filter((n) => n !== behind);
  const carol = await open(browser, nodes[other1], "carol", "lobby");
  const dave = await open(browser, nodes[other2], "dave", "games");
  check((await nodeOf(carol)) === other1 && (await nodeOf(dave)) === other2, "carol and dave are on their nodes");
  ok(`pages directly on ${other1} (carol) and ${other2} (dave); bob through nginx shares ${behind}`);

  for (const name of ["alice", "bob", "dave"]) await carol.locator("#users li", { hasText: name }).waitFor();
  await alice.locator("#log li.system", { hasText: "dave joined the chat" }).waitFor();
  ok("each page lists the people of every node, and sees them join");

  await send(alice, "hello from behind nginx");
  await delivered(alice, "hello from behind nginx");
  await received(carol, "hello from behind nginx");
  await send(carol, "hi alice, from " + other1);
  await received(alice, "hi alice, from " + other1);
  await send(dave, "games on " + other2);
  await received(bob, "games on " + other2);
  await sleep(300); // anything wrongly sent across rooms would have arrived by now
  check(!(await logText(carol)).includes("games on"), "carol saw no #games message");
  check(!(await logText(dave)).includes("hello from behind"), "dave saw no #lobby message");
  ok("room messages cross nodes both ways and stay in their room");

  await sleep(1100); // the page sends at most one typing notice a second
  await carol.locator("#message").pressSequentially("typ");
  await alice.locator("#typing", { hasText: "carol is typing in #lobby" }).waitFor();
  await send(carol, "typed across nodes");
  await received(alice, "typed across nodes");
  check((await alice.locator("#typing").innerText()) === "", "the typing notice went when carol's message arrived");
  ok("a typing notice crosses nodes and goes when the typist's message arrives");

  await dave.locator("#users li", { hasText: "alice" }).click();
  await send(dave, "psst alice, from " + other2);
  await delivered(dave, "psst alice, from " + other2);
  await alice.locator("#log li.private", { hasText: "psst alice" }).waitFor();
  await sleep(200);
  check(!(await logText(carol)).includes("psst"), "carol did not see the private message");
  ok("a private message reaches a page on another node, and only it");
  await dave.locator('#rooms li[data-room="games"]').click(); // back to the room
  await dave.locator("#target", { hasText: "to #games" }).waitFor();

  await bob.fill("#nick-input", "bobby");
  await bob.click("#nick-form button");
  await dave.locator("#log li.system", { hasText: "bob is now known as bobby" }).waitFor();
  await bob.locator("#status", { hasText: "connected as bobby on " + behind }).waitFor();
  ok("a rename crosses nodes; the badge keeps the new name and the node");

  if (streams) await rollingRestart(behind, { alice, bob, carol, dave });
  else await crash(behind, alice, bob);

  await send(alice, "back after the failover");
  await delivered(alice, "back after the failover");
  await received(carol, "back after the failover");
  await send(carol, "welcome back alice");
  await received(alice, "welcome back alice");
  await send(dave, "still gaming");
  await received(bob, "still gaming");
  await send(bob, "bobby is back");
  await received(dave, "bobby is back");
  for (const [name, page] of [["carol", carol], ["dave", dave]]) {
    check(!(await logText(page)).includes("disconnected"), name + " (on a surviving node) never disconnected");
  }
  check((await transport(carol)) === "websocket", "carol is still on websocket");
  ok("after the failover messages cross nodes again, both ways, in both rooms");

  await alice.screenshot({ path: shot });
  console.log("screenshot: " + shot);
}

run(cluster);
