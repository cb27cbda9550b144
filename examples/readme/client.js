// The JavaScript snippets of README.md, run by readme_test.go against the
// namespaces of readme.go with the real socket.io-client. Each section
// below is quoted in the README under the same title.
"use strict";
const { io } = require("socket.io-client");

const url = process.env.URL;
const seen = new Set();
const print = (label, v) => { seen.add(label); console.log(label + ": " + JSON.stringify(v)); };
// until waits for print(label, ...) to have happened.
async function until(label) {
  for (let i = 0; !seen.has(label); i++) {
    if (i > 500) throw new Error("timed out waiting for " + label);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const once = (socket, event) => new Promise((resolve) => socket.once(event, (...a) => resolve(a)));

async function receiving() {
  // README: Receiving messages
  const socket = io(url + "/receiving");
  socket.on("message", (text) => print("message", text));
  socket.send("hi");                                  // Receiving.OnMessage
  const reply = await socket.emitWithAck("my_event", { data: "42" }); // OnMyEvent
  const sum = await socket.emitWithAck("add", 1, 2);  // OnAdd
  socket.emit("chat message", "a", "b", (n) => print("chat message args", n));
  // README: end
  await until("message");
  print("my_event", reply);
  print("add", sum);
  await until("chat message args");
  socket.close();
}

async function sending() {
  // README: Sending messages
  const socket = io(url + "/sending");
  socket.on("message", (text) => print("message", text));
  socket.on("greeting", (g) => print("greeting", g));
  socket.on("question", (q, answer) => answer("yes")); // the ack the server waits for
  socket.on("answered", (a) => print("answered", a));
  socket.emit("hello", "bob");
  socket.emit("ask_me");
  // README: end
  await until("answered");
  socket.close();
}

async function broadcasting() {
  const a = io(url + "/broadcasting");
  const b = io(url + "/broadcasting");
  await Promise.all([once(a, "connect"), once(b, "connect")]);
  let aTold = false;
  a.on("told", () => { aTold = true; });
  const [shoutB] = await Promise.all([once(b, "shout"), once(a, "shout"), a.emit("shout", "hey")]);
  print("b got shout", shoutB[0]);
  const [told] = await Promise.all([once(b, "told"), a.emit("tell", "psst")]);
  await new Promise((r) => setTimeout(r, 100));
  print("b got told, a did not", [told[0], aTold]);
  a.close();
  b.close();
}

async function rooms() {
  const a = io(url + "/rooms");
  const b = io(url + "/rooms");
  await Promise.all([once(a, "connect"), once(b, "connect")]);
  // README: Rooms
  const joined = await b.emitWithAck("join", "lobby"); // [b.id, "lobby"]
  b.on("room_message", (text) => print("room_message", text));
  a.emit("to_room", { room: "lobby", text: "hello lobby" });
  // README: end
  print("joined", joined[1]);
  await until("room_message");
  a.close();
  b.close();
}

async function connection() {
  // README: Connection events
  const socket = io(url + "/connection", { auth: { token: "secret" } });
  socket.on("welcome", (text) => print("welcome", text));
  socket.on("connect_error", (err) => print("connect_error", [err.message, err.data]));
  // README: end
  await until("welcome");
  socket.close();
  const bad = io(url + "/connection", { auth: { token: "nope" }, forceNew: true });
  const refused = await once(bad, "connect_error");
  print("connect_error", [refused[0].message, refused[0].data]);
  bad.close();
}

async function orders() {
  const socket = io(url + "/orders");
  print("order:create", await socket.emitWithAck("order:create", "tea"));
  print("order:create unknown", await socket.emitWithAck("order:create", "gold"));
  print("any", await socket.emitWithAck("order:cancel", 7));
  socket.close();
}

async function errorHandling() {
  const socket = io(url + "/errors");
  // README: Error handling
  const res = await socket.emitWithAck("post", { title: "" });
  if (res.error) {
    // {code: "validation", message: "validation failed", fields: [{field: "title", rule: "required"}]}
    print("validation", res.error);
  }
  // README: end
  print("forbidden", (await socket.emitWithAck("post", { title: "forbidden" })).error);
  print("bug", (await socket.emitWithAck("bug")).error);
  print("post", await socket.emitWithAck("post", { title: "hello" }));
  socket.close();
}

(async () => {
  for (const step of [receiving, sending, broadcasting, rooms, connection, orders, errorHandling]) {
    await step();
  }
})().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
