// conformance_server.js — the /socket.io/ part of conformance.md on Node's
// socket.io 4.8, for the Go client's interop tests (client/interop_test.go)
// and examples/client.
//
// Listens on 127.0.0.1:$PORT (0 or unset: any free port). Once listening it
// prints "listening <port>" and, if $PORT_FILE is set, writes the port
// there. Exits on SIGINT/SIGTERM.
"use strict";
const http = require("http");
const fs = require("fs");
const { Server } = require("socket.io");

const httpServer = http.createServer();
const io = new Server(httpServer, {
  pingInterval: 300,
  pingTimeout: 200,
  maxHttpBufferSize: 1e6,
  connectTimeout: 1000,
  cors: { origin: "*" },
});

io.on("connection", (socket) => {
  socket.emit("auth", socket.handshake.auth);
  socket.on("message", (...args) => socket.emit("message-back", ...args));
  socket.on("message-with-ack", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(...args);
  });
});

io.of("/custom").on("connection", (socket) => {
  socket.emit("auth", socket.handshake.auth);
});

httpServer.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  const port = httpServer.address().port;
  if (process.env.PORT_FILE) fs.writeFileSync(process.env.PORT_FILE, String(port));
  console.log(`listening ${port}`);
});

const stop = () => {
  io.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
