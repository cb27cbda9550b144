// Browser end-to-end test of examples/cluster, driven by
// examples/cluster/nginx_test.go (TestNginxFailover): three chat nodes on
// one Redis behind nginx. Pages open through nginx and directly on nodes
// in headless Chromium; messages, typing notices, private messages and
// renames cross nodes; then the node behind nginx is killed and its pages
// must come back through nginx on another node and chat on. Each passed
// check prints "ok - <name>"; any failure exits non-zero.
//
// Environment (set by the Go test):
//   NGINX_URL      nginx in front of the nodes, like http://127.0.0.1:40123
//   NODES          a JSON object: node name → its own URL
//   CONTROL_URL    GET $CONTROL_URL/kill?node=<name> kills that node (SIGKILL)
//   CHROMIUM, CHROMIUM_ARGS  the browser and its flags (see chatpage.js)
//   SCREENSHOT     where to save the screenshot taken after the failover (PNG)
"use strict";
const { ok, check, sleep, open, connected, send, delivered, received, logText, run } = require("./chatpage");

const nginxURL = process.env.NGINX_URL;
const nodes = JSON.parse(process.env.NODES || "{}");
const controlURL = process.env.CONTROL_URL;
const shot = process.env.SCREENSHOT || "/tmp/socketeer-artifacts/cluster.png";

// nodeOf returns the node the page's status badge names ("… on n2").
async function nodeOf(page) {
  const m = (await page.locator("#status").innerText()).match(/ on (\S+)$/);
  return m ? m[1] : "";
}

// transport returns the Engine.IO transport of the page's socket.
const transport = (page) => page.evaluate(() => window.chat.socket.io.engine.transport.name);

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

  const killedAt = Date.now();
  const res = await fetch(`${controlURL}/kill?node=${behind}`);
  check(res.ok, "the control server killed " + behind + ": " + res.status + " " + (await res.text()));
  for (const page of [alice, bob]) {
    await page.locator("#log li.system", { hasText: "disconnected (transport close)" }).waitFor();
  }
  const moved = async (page, nick, room) => {
    await page.waitForFunction((b) => {
      const s = document.getElementById("status").textContent;
      return s.startsWith("connected as ") && / on \S+$/.test(s) && !s.endsWith(" on " + b);
    }, behind, { timeout: 30000 });
    await connected(page, nick, room);
    return nodeOf(page);
  };
  const aliceNode = await moved(alice, "alice", "lobby");
  const bobNode = await moved(bob, "bobby", "games");
  check(aliceNode !== behind && aliceNode in nodes && bobNode === aliceNode,
    `alice and bob moved together off ${behind}: ${aliceNode}, ${bobNode}`);
  await alice.waitForFunction(() => window.chat.socket.io.engine.transport.name === "websocket");
  ok(`${behind} killed: its pages reconnected through nginx to ${aliceNode}, upgraded to websocket again`);
  console.log(`failover: both pages connected and in their rooms again ${Date.now() - killedAt}ms after the kill`);

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
