// wire_basic.js: one client on the transports named by TRANSPORTS
// ("websocket", "polling" or "polling,websocket") exercises auth, events,
// acks both ways and binary both ways against the Go test app; with
// PARSER=msgpack it uses socket.io-msgpack-parser. With CONFORMANCE=1 it
// skips the steps that only the test app serves (ask, whoami), to run
// against examples/conformance.
"use strict";
const { io } = require("socket.io-client");
const { URL, out, once, ackAll, sleep, main } = require("./wire_lib");

main(async () => {
  const transports = (process.env.TRANSPORTS || "polling,websocket").split(",");
  const socket = io(URL, {
    transports,
    upgrade: transports.length > 1,
    reconnection: false,
    auth: { token: "abc", n: 1, nested: { z: 1, a: [true] } },
    ...(process.env.PARSER === "msgpack" ? { parser: require("socket.io-msgpack-parser") } : {}),
  });
  socket.on("connect_error", (err) => out("connect_error", err.message));
  socket.on("question", (n, bin, obj, cb) => {
    out("question", [n, bin, obj]);
    cb("answer", n + 1, Buffer.from([9, 8, 7]), { b: Buffer.from([6]) });
  });
  const auth = once(socket, "auth");
  await once(socket, "connect");
  out("connected", { id: socket.id.length > 0 });
  out("auth", (await auth)[0]);

  socket.emit("message", 1, "2", { 3: [false] });
  out("message-back", await once(socket, "message-back"));
  out("ack", await ackAll(socket, "message-with-ack", 1, "2", { 3: [false] }));
  out("ack-empty", await ackAll(socket, "message-with-ack"));

  const big = "é€😀" + "x".repeat(200000);
  socket.emit("message", big);
  const [back] = await once(socket, "message-back");
  out("big", { same: back === big, bytes: Buffer.byteLength(back) });

  socket.emit("message", Buffer.from([1, 2, 3]),
    { a: Buffer.from([4, 5]), list: [Buffer.from([6]), { deep: Buffer.from([7]) }] }, "text");
  out("binary", await once(socket, "message-back"));
  out("binary-ack", await ackAll(socket, "message-with-ack", { file: Buffer.from([0, 255]) }, [Buffer.from("hi"), 2]));

  if (!process.env.CONFORMANCE) {
    socket.emit("ask", 41);
    out("answer-was", (await once(socket, "answer-was"))[0]);

    const [who] = await ackAll(socket, "whoami");
    out("whoami", { engine: who.engine === socket.io.engine.id, id: who.id === socket.id, nsp: who.nsp });
  }
  out("transport", socket.io.engine.transport.name);
  socket.disconnect();
  await sleep(300);
});
