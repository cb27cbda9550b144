// wire_reconnect.js: when the server closes the Engine.IO session the
// client reconnects by itself; after a server-side namespace disconnect
// (DISCONNECT packet) it does not, as socket.io specifies.
"use strict";
const { io } = require("socket.io-client");
const { URL, out, once, ackAll, sleep, main } = require("./wire_lib");

main(async () => {
  const socket = io(URL, {
    path: "/kick/", reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0,
  });
  let attempts = 0;
  let reconnects = 0;
  socket.io.on("reconnect_attempt", () => attempts++);
  socket.io.on("reconnect", () => reconnects++);
  await once(socket, "connect");
  const [w1] = await ackAll(socket, "whoami");

  const disc = once(socket, "disconnect");
  socket.emit("kick-engine");
  const [reason] = await disc;
  await once(socket, "connect", 5000);
  const [w2] = await ackAll(socket, "whoami");
  out("engine-closed", {
    reason, reconnected: socket.connected, newEngine: w2.engine !== w1.engine,
    newSocket: w2.id !== w1.id, attempts,
  });

  attempts = 0;
  reconnects = 0;
  const disc2 = once(socket, "disconnect");
  socket.emit("kick-socket");
  const [reason2] = await disc2;
  await sleep(1500); // ample time for a reconnection at a 100–200ms delay
  out("socket-disconnected", {
    reason: reason2, connected: socket.connected, active: socket.active, attempts, reconnects,
  });
  socket.close();
});
