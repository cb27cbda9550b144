// Rooms, broadcasting and acknowledgements seen by five real
// socket.io-client sockets (four clients a-d, and c's second namespace).
// Prints one JSON line per step: {"step": name, "data": value}, where a
// broadcast step's value maps each client to the "msg" events it got.
// rooms_test.go asserts on the lines.
"use strict";

const { io } = require("socket.io-client");

const URL = process.env.SERVER_URL;
if (!URL) {
  console.error("SERVER_URL is not set");
  process.exit(2);
}

const names = ["a", "b", "c", "d"];
const clients = {};
const inbox = {};
const ids = {}; // socket id -> client name

function out(step, data) {
  process.stdout.write(JSON.stringify({ step, data }) + "\n");
}

function fail(msg) {
  out("error", String(msg && msg.stack ? msg.stack : msg));
  process.exit(1);
}

setTimeout(() => fail("script deadline exceeded"), 20000).unref();

// show renders an event's args as one string; binary as bin:<hex>, socket
// ids as client names.
function show(args) {
  return args
    .map((v) => {
      if (Buffer.isBuffer(v)) return "bin:" + v.toString("hex");
      if (typeof v === "string") return ids[v] || v;
      return JSON.stringify(v);
    })
    .join(" ");
}

function connect() {
  return new Promise((resolve, reject) => {
    const s = io(URL, { transports: ["websocket"], forceNew: true, reconnection: false });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

function ask(s, event, ...args) {
  return s.timeout(5000).emitWithAck(event, ...args);
}

// settle waits until every client has received whatever was queued to it
// before now: each session delivers in order, so the ack of a "sync"
// event comes after any broadcast queued earlier.
async function settle() {
  await Promise.all(names.filter((n) => clients[n].connected).map((n) => ask(clients[n], "sync")));
}

// step runs fn, waits for delivery and prints who got what.
async function step(name, fn) {
  for (const n of names) inbox[n] = [];
  await fn();
  await settle();
  const got = {};
  for (const n of names) if (inbox[n].length) got[n] = inbox[n].sort();
  out(name, got);
}

function waitFor(cond, ms) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - start > ms) return reject(new Error("waitFor timed out"));
      setTimeout(tick, 5);
    };
    tick();
  });
}

async function main() {
  for (const n of names) {
    const s = await connect();
    clients[n] = s;
    ids[s.id] = n;
    inbox[n] = [];
    s.on("msg", (...args) => inbox[n].push(show(args)));
    s.on("message", (...args) => inbox[n].push("message " + show(args)));
    s.on("json", (...args) => inbox[n].push("json " + show(args)));
    // d never answers questions.
    s.on("question", (q, cb) => {
      if (n !== "d") cb(n + " answers " + q);
    });
  }
  const { a, b, c, d } = clients;

  const rooms = {};
  rooms.a = await ask(a, "join", ["red"]);
  rooms.b = await ask(b, "join", ["red", "blue", "red"]);
  rooms.c = await ask(c, "join", ["blue"]);
  rooms.d = await ask(d, "join", []);
  for (const n of names) rooms[n] = rooms[n].map((r) => ids[r] || r);
  out("rooms", rooms);

  await step("to-room-excludes-self", () => ask(a, "to_room", ["red"], "hi"));
  await step("namespace-to-includes-self", () => ask(a, "ns_to", ["red"], [], "hi"));
  await step("several-rooms-once", () => ask(d, "ns_to", ["red", "blue"], [], "x"));
  await step("to-socket-id", () => ask(d, "ns_to", [c.id], [], "direct"));
  await step("except-room", () => ask(a, "ns_to", [], ["blue"], "e"));
  await step("except-id", () => ask(a, "ns_to", ["red", "blue"], [b.id], "e"));
  await step("broadcast-excludes-self", () => ask(c, "broadcast", "yo"));
  await step("timer-outside-handler", async () => {
    await ask(b, "later", "blue", "tick", 20);
    await waitFor(() => inbox.b.length > 0 && inbox.c.length > 0, 3000);
  });
  await step("send-message", () => ask(d, "send_to", ["blue"], "plain"));

  // The server asks from a goroutine and reports with an "asked" event.
  const asked = (s, rooms, ms) =>
    new Promise((resolve) => {
      const t0 = Date.now();
      s.once("asked", (res) => {
        res.ms = Date.now() - t0;
        resolve(res);
      });
      s.emit("ask_room", rooms, ms);
    });
  out("ack-namespace-one-silent", await asked(a, [], 400));
  out("ack-room-all-answer", await asked(d, ["red"], 3000));
  // Without a timeout the app's AckTimeout applies.
  out("ack-app-timeout", await asked(a, [d.id], 0));
  // A handler waiting for its own socket's ack gets it while it runs.
  const t0 = Date.now();
  const self = await ask(a, "ask_in_handler", ["red"], 300);
  self.ms = Date.now() - t0;
  out("ack-in-handler", self);

  const fetched = await ask(a, "fetch", ["blue"]);
  out("fetch", fetched.map((f) => ({ name: ids[f.id], rooms: f.rooms.map((r) => ids[r] || r), data: f.data })).sort((x, y) => (x.name < y.name ? -1 : 1)));

  await step("sockets-join", async () => {
    await ask(a, "sockets_join", ["red"], ["green"]);
    await ask(a, "ns_to", ["green"], [], "g");
  });
  await step("leave", async () => {
    await ask(b, "leave", "red");
    await ask(a, "ns_to", ["red"], [], "r");
  });
  await step("close-room", async () => {
    await ask(a, "close_room", "blue");
    await ask(a, "ns_to", ["blue"], [], "b");
  });

  // Server-side disconnects: a and b (room green) with DisconnectSockets,
  // c's whole connection (two namespaces) with s.Disconnect(true).
  const reasons = {};
  const gone = [];
  // c's second socket shares its connection (same Manager), and connects
  // by itself since the Manager is open.
  const cAdmin = await new Promise((resolve, reject) => {
    const s = c.io.socket("/admin");
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
  for (const [n, s] of Object.entries({ a, b, c, "c/admin": cAdmin })) {
    gone.push(new Promise((resolve) => s.once("disconnect", (r) => { reasons[n] = r; resolve(); })));
  }
  await ask(d, "kick_room", "green");
  c.emit("disconnect_me");
  await Promise.all(gone);
  out("disconnect-reasons", reasons);
  out("d-connected", d.connected);
  d.disconnect();
}

main().then(() => out("done", true), fail);
