// The client of examples/echo: socket.io-client 4.x from interop/node_modules.
//   NODE_PATH=interop/node_modules node examples/echo/client.js [url]
const { io } = require("socket.io-client");

const socket = io(process.env.URL || process.argv[2] || "http://127.0.0.1:5000");

socket.on("connect", async () => {
  const reply = await socket.emitWithAck("echo", { hello: "world" });
  console.log("echo replied:", JSON.stringify(reply));
  socket.disconnect();
});
socket.on("connect_error", (err) => {
  console.error("connect_error:", err.message);
  process.exit(1);
});
