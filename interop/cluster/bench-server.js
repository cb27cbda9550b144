// The benchmark contract's server (the side-by-side suite's CONTRACT.md)
// in Node socket.io 4.8 with a Redis adapter when REDIS_URL is set: the
// Node side of the cross-node benchmark (internal/clusterbench), next to
// examples/bench with the same environment. Like examples/bench it also
// answers the room-heavy run's events: join(rooms) acked with the count,
// roomcast(room, payload) emitting "msg" to that room.
//
// env: PORT (3000), HOST (127.0.0.1), REDIS_URL (optional; a
//      comma-separated list of Redis Cluster nodes is a cluster),
//      REDIS_CLUSTER (host:port,host:port: a Redis Cluster, as
//      examples/bench takes it), REDIS_ADAPTER (pubsub | sharded | streams, default
//      pubsub), REDIS_SUBSCRIPTION_MODE (sharded: static | dynamic |
//      dynamic-private), RECOVERY (a duration in ms or with s/m, with the
//      streams adapter)
"use strict";
const http = require("http");
const { Server } = require("socket.io");
const { createClient, createCluster } = require("redis");
const { createAdapter, createShardedAdapter } = require("@socket.io/redis-adapter");
const streams = require("@socket.io/redis-streams-adapter");

function duration(v) {
  const m = /^(\d+)(ms|s|m)?$/.exec(v || "");
  if (!m) throw new Error(`RECOVERY=${v}: want 30s, 2m or milliseconds`);
  return parseInt(m[1], 10) * ({ ms: 1, s: 1000, m: 60000 }[m[2] || "ms"]);
}

async function redisAdapter(opts) {
  const urls = process.env.REDIS_CLUSTER
    ? process.env.REDIS_CLUSTER.split(",").map((a) => `redis://${a}`)
    : process.env.REDIS_URL.split(",");
  const kind = process.env.REDIS_ADAPTER || "pubsub";
  const client = urls.length > 1
    ? createCluster({ rootNodes: urls.map((url) => ({ url })) })
    : createClient({ url: urls[0] });
  switch (kind) {
    case "pubsub": {
      const sub = client.duplicate();
      await Promise.all([client.connect(), sub.connect()]);
      return createAdapter(client, sub);
    }
    case "sharded": {
      const sub = client.duplicate();
      await Promise.all([client.connect(), sub.connect()]);
      return createShardedAdapter(client, sub, { subscriptionMode: process.env.REDIS_SUBSCRIPTION_MODE || "static" });
    }
    case "streams":
      await client.connect();
      if (process.env.RECOVERY) {
        opts.connectionStateRecovery = { maxDisconnectionDuration: duration(process.env.RECOVERY), skipMiddlewares: true };
      }
      return streams.createAdapter(client);
    default:
      throw new Error(`REDIS_ADAPTER=${kind}: want pubsub, sharded or streams`);
  }
}

async function main() {
  const opts = { pingInterval: 25000, pingTimeout: 20000, maxHttpBufferSize: 1e6, cors: { origin: "*" } };
  if (process.env.REDIS_URL || process.env.REDIS_CLUSTER) {
    opts.adapter = await redisAdapter(opts);
  }
  const httpServer = http.createServer();
  const io = new Server(httpServer, opts);
  io.on("connection", (socket) => {
    socket.join("bench");
    socket.on("echo", (...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
      if (ack) ack(...args);
    });
    socket.on("broadcast", (...args) => {
      if (typeof args[args.length - 1] === "function") args.pop();
      io.to("bench").emit("msg", ...args);
    });
    socket.on("join", (rooms, ack) => {
      socket.join(rooms);
      if (typeof ack === "function") ack(rooms.length);
    });
    socket.on("roomcast", (room, payload) => {
      io.to(room).emit("msg", payload);
    });
  });
  const port = parseInt(process.env.PORT || "3000", 10);
  httpServer.listen(port, process.env.HOST || "127.0.0.1", () => console.error(`node bench server on ${port}`));
  const stop = () => { io.close(); process.exit(0); };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => { console.error(e); process.exit(1); });
