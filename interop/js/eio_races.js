// eio_races.js: the upgrade and close races of issue-style conformance
// checks, each repeated ROUNDS times against the conformance server, on
// its bare Engine.IO endpoint and under Socket.IO's path. Uses the raw
// `ws` client and fetch, as protocol test suites do. Prints one line per
// check: {"step": name, "data": {"passed": n, "failed": m, "first": why}}.
"use strict";
const WebSocket = require("ws");
const { URL, out, sleep, main } = require("./wire_lib");

const ROUNDS = Number(process.env.ROUNDS || 20);
const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;

async function handshake(path) {
  const res = await fetch(`${URL}${path}?EIO=4&transport=polling`);
  const body = await res.text();
  return JSON.parse(body.slice(1)).sid;
}

const poll = (path, sid, init) => fetch(`${URL}${path}?EIO=4&transport=polling&sid=${sid}`, init);

function openWS(path, sid) {
  const ws = new WebSocket(`${URL.replace(/^http/, "ws")}${path}?EIO=4&transport=websocket&sid=${sid}`);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

const nextMessage = (ws) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("no message in 2s")), 2000);
    ws.once("message", (data) => { clearTimeout(t); resolve(data.toString()); });
  });

async function upgrade(path, sid) {
  const ws = await openWS(path, sid);
  ws.send("2probe");
  const answer = await nextMessage(ws);
  if (answer !== "3probe") throw new Error(`probe answered ${answer}`);
  ws.send("5");
  return ws;
}

const checks = {
  // A second websocket for an upgraded session completes its handshake
  // and is then closed; the first keeps working.
  "second websocket closed": async (path) => {
    const sid = await handshake(path);
    const ws = await upgrade(path, sid);
    const second = new WebSocket(`${URL.replace(/^http/, "ws")}${path}?EIO=4&transport=websocket&sid=${sid}`);
    await new Promise((resolve, reject) => {
      second.once("close", resolve);
      second.once("error", (e) => reject(new Error(`second websocket: ${e.message}`)));
    });
    // The first still works: an echo on /engine.io/, a namespace
    // connection under Socket.IO.
    const socketIO = path === "/socket.io/";
    ws.send(socketIO ? "40" : "4hello");
    const answer = await nextMessage(ws);
    ws.close();
    if (socketIO ? !answer.startsWith('40{"sid":') : answer !== "4hello") {
      throw new Error(`first websocket answered ${answer}`);
    }
  },
  // The polling request sent right after 5 gets 400.
  "polling after upgrade refused": async (path) => {
    const sid = await handshake(path);
    const ws = await upgrade(path, sid);
    const res = await poll(path, sid);
    await res.text();
    ws.close();
    if (res.status !== 400) throw new Error(`GET after 5: ${res.status}`);
  },
  // A GET and a POST carrying a close, sent together: the GET gets 200
  // with a noop, then the session is gone.
  "close with a concurrent GET": async (path) => {
    const sid = await handshake(path);
    const [get, post] = await Promise.all([poll(path, sid), poll(path, sid, { method: "POST", body: "1" })]);
    const body = await get.text();
    await post.text();
    if (get.status !== 200 || body !== "6") throw new Error(`GET beside close: ${get.status} ${JSON.stringify(body)}`);
    const after = await poll(path, sid);
    await after.text();
    if (after.status !== 400) throw new Error(`GET after close: ${after.status}`);
  },
  // A session that never answers its ping is gone after
  // pingInterval + pingTimeout.
  "ping timeout": async (path) => {
    const sid = await handshake(path);
    await sleep(PING_INTERVAL + PING_TIMEOUT);
    const res = await poll(path, sid);
    const body = await res.text();
    if (res.status !== 400) throw new Error(`GET after the ping deadline: ${res.status} ${JSON.stringify(body)}`);
  },
};

main(async () => {
  for (const path of ["/engine.io/", "/socket.io/"]) {
    for (const [name, check] of Object.entries(checks)) {
      const result = { passed: 0, failed: 0, first: null };
      for (let i = 0; i < ROUNDS; i++) {
        try {
          await check(path);
          result.passed++;
        } catch (e) {
          result.failed++;
          result.first = result.first || String(e.message);
        }
      }
      out(`${path} ${name}`, result);
    }
  }
}, 180000);
