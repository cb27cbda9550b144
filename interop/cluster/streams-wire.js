// Makes Node's @socket.io/redis-streams-adapter write one message of each
// kind it sends, for the Go codec tests to read back from Redis: stream
// entries (broadcasts in JSON and, with a Buffer, base64 msgpack; socketsJoin,
// socketsLeave, disconnectSockets) and pub/sub messages (serverSideEmit,
// fetchSockets, broadcast with acks) on the public channel, which the test
// subscribes to (and so counts as a second server).
//
// env: REDIS_URL, STREAM, KEY (channel prefix)
// stdout: {t:"done"} once everything was sent.
"use strict";
const { Server } = require("socket.io");
const { createClient } = require("redis");
const { createAdapter } = require("@socket.io/redis-streams-adapter");
const { out } = require("./common");

async function main() {
  const client = createClient({ url: process.env.REDIS_URL || "redis://127.0.0.1:6379" });
  await client.connect();
  const io = new Server({
    adapter: createAdapter(client, { streamName: process.env.STREAM, channelPrefix: process.env.KEY }),
  });
  await new Promise((r) => setTimeout(r, 200)); // the subscription
  io.emit("e", 1, "two", { a: [true, null], f: 1.5 });
  io.to("r").except("x").volatile.emit("bin", Buffer.from([1, 2, 3]), "t");
  io.in("r").socketsJoin(["r2", "r3"]);
  io.in("r").socketsLeave("r2");
  io.in("r").disconnectSockets(true);
  await new Promise((r) => setTimeout(r, 200)); // the stream writes
  io.serverSideEmit("ping", 1, { b: "x" });
  io.serverSideEmit("ask", 2, () => {});
  io.fetchSockets().catch(() => {}); // nobody answers
  io.timeout(100).emit("acked", 3, () => {});
  await new Promise((r) => setTimeout(r, 300));
  out({ t: "done" });
  process.exit(0);
}

main().catch((e) => {
  out({ t: "fatal", msg: String(e && e.stack) });
  process.exit(1);
});
