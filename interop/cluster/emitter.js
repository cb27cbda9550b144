// Runs operations of Node's @socket.io/redis-emitter, then exits.
//
// env: REDIS_URL (default redis://127.0.0.1:6379), KEY (channel prefix),
//      OPS: a JSON array of {op, nsp, to, except, event, args, rooms, close}
//      where op is emit | socketsJoin | socketsLeave | disconnectSockets |
//      serverSideEmit. Binary args are {"$bin": base64}.
// stdout: {t:"done",n} once every operation was published.
"use strict";
const { createClient } = require("redis");
const { Emitter } = require("@socket.io/redis-emitter");
const { out, fromJSON } = require("./common");

async function main() {
  const client = createClient({ url: process.env.REDIS_URL || "redis://127.0.0.1:6379" });
  await client.connect();
  const root = new Emitter(client, { key: process.env.KEY || "socket.io" });
  const ops = JSON.parse(process.env.OPS || "[]");
  for (const op of ops) {
    let e = root.of(op.nsp || "/");
    if (op.to && op.to.length) e = e.to(op.to);
    if (op.except && op.except.length) e = e.except(op.except);
    switch (op.op) {
      case "emit":
        e.emit(op.event, ...fromJSON(op.args || []));
        break;
      case "socketsJoin":
        e.socketsJoin(op.rooms);
        break;
      case "socketsLeave":
        e.socketsLeave(op.rooms);
        break;
      case "disconnectSockets":
        e.disconnectSockets(!!op.close);
        break;
      case "serverSideEmit":
        root.of(op.nsp || "/").serverSideEmit(op.event, ...fromJSON(op.args || []));
        break;
      default:
        throw new Error("unknown op " + op.op);
    }
  }
  // publish is asynchronous: a PING after the PUBLISHes returns once Redis
  // has taken them all.
  await client.ping();
  out({ t: "done", n: ops.length });
  await client.quit();
}

main().catch((e) => {
  out({ t: "fatal", msg: String(e && e.stack) });
  process.exit(1);
});
