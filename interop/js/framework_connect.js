// framework_connect.js: the framework seen by the real socket.io-client.
// A refused CONNECT (connect_error with err.message and err.data), then an
// accepted one: the event emitted from OnConnect, a session value set in
// OnConnect, a validation error in an ack, and a client disconnect.
// Prints one JSON line per observation: {"step": name, "data": value}.
"use strict";
const { io } = require("socket.io-client");

const URL = process.env.SERVER_URL;
if (!URL) {
  console.error("SERVER_URL is not set");
  process.exit(2);
}

function out(step, data) {
  process.stdout.write(JSON.stringify({ step, data }) + "\n");
}

function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

setTimeout(() => {
  out("error", "script deadline of 10s exceeded");
  process.exit(1);
}, 10000).unref();

async function main() {
  const opts = { reconnection: false, forceNew: true, transports: [process.env.TRANSPORT || "websocket"] };

  const bad = io(URL + "/gate", { ...opts, auth: { token: "bad" } });
  const [err] = await once(bad, "connect_error");
  out("refused", { message: err.message, data: err.data ?? null, connected: bad.connected });
  bad.close();

  const good = io(URL + "/gate", { ...opts, auth: { token: "good" } });
  const welcome = once(good, "welcome");
  await once(good, "connect");
  out("welcome", (await welcome)[0]);
  out("who", await good.timeout(5000).emitWithAck("who"));
  out("check", await good.timeout(5000).emitWithAck("check", { text: "far too long" }));
  good.disconnect();
  // Let the transport flush the DISCONNECT packet before the process exits.
  await new Promise((resolve) => setTimeout(resolve, 300));
  out("done", true);
}

main().then(
  () => process.exit(0),
  (e) => {
    out("error", String((e && e.stack) || e));
    process.exit(1);
  },
);
