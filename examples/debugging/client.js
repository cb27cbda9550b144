// The client of examples/debugging: one good order, one invalid, one crash.
//   NODE_PATH=interop/node_modules node examples/debugging/client.js [url]
const { io } = require("socket.io-client");

const socket = io(process.env.URL || process.argv[2] || "http://127.0.0.1:5000", {
  transports: ["websocket"], // fewer lines in the trace
});
const print = (label, v) => console.log(label + ": " + JSON.stringify(v));

socket.on("connect", async () => {
  print("order", await socket.emitWithAck("order", { item: "apples", qty: 2 }));
  print("bad order", await socket.emitWithAck("order", { item: "", qty: 99 }));
  print("crash", await socket.emitWithAck("crash"));
  socket.disconnect();
});
