// The benchmark contract's server (../../../shared/bench/CONTRACT.md) in
// Node socket.io 4.8 with @socket.io/redis-adapter when REDIS_URL is set:
// the Node side of the cross-node benchmark (internal/clusterbench), next
// to examples/bench with REDIS_URL.
//
// env: PORT (3000), HOST (127.0.0.1), REDIS_URL (optional)
"use strict";
const http = require("http");
const { Server } = require("socket.io");
const { createClient } = require("redis");
const { createAdapter } = require("@socket.io/redis-adapter");

async function main() {
  const opts = { pingInterval: 25000, pingTimeout: 20000, maxHttpBufferSize: 1e6, cors: { origin: "*" } };
  if (process.env.REDIS_URL) {
    const pub = createClient({ url: process.env.REDIS_URL });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    opts.adapter = createAdapter(pub, sub);
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
  });
  const port = parseInt(process.env.PORT || "3000", 10);
  httpServer.listen(port, process.env.HOST || "127.0.0.1", () => console.error(`node bench server on ${port}`));
  const stop = () => { io.close(); process.exit(0); };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => { console.error(e); process.exit(1); });
