// recovery_server.js — Node's socket.io 4.8 with connection state recovery,
// for the Go client's recovery test (client/recovery_test.go).
//
// Namespace "/": every socket joins room "r". "ping" → "tick" with its
// arg (an offset is appended, as to every event the server may replay);
// "drop" closes the socket's transport from the server side (a recoverable
// reason) and, 20ms later, emits "missed" to room "r", which the client
// receives only if its session is recovered. Listens like
// conformance_server.js: $PORT (0: any), writes the port to $PORT_FILE.
"use strict";
const http = require("http");
const fs = require("fs");
const { Server } = require("socket.io");

const httpServer = http.createServer();
const io = new Server(httpServer, {
  pingInterval: 300,
  pingTimeout: 200,
  connectionStateRecovery: { maxDisconnectionDuration: 10000 },
});

io.on("connection", (socket) => {
  socket.join("r");
  socket.emit("welcome", socket.recovered);
  socket.on("ping", (n) => socket.emit("tick", n));
  socket.on("drop", () => {
    socket.conn.close();
    setTimeout(() => io.to("r").emit("missed", 42, "text"), 20);
  });
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
