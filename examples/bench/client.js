// A client of examples/bench that checks the benchmark contract once:
// socket.io-client 4.x from interop/node_modules.
//   NODE_PATH=interop/node_modules node examples/bench/client.js [url]
const { io } = require("socket.io-client");

const socket = io(process.env.URL || process.argv[2] || "http://127.0.0.1:3000", {
  transports: ["websocket"],
});

socket.on("connect", async () => {
  const reply = await socket.emitWithAck("echo", { n: 1, s: "two" });
  console.log("echo acked:", JSON.stringify(reply));
  socket.once("msg", async (payload) => {
    console.log("broadcast got:", JSON.stringify(payload));
    // The room-heavy run of internal/clusterbench: join, then one per room.
    const joined = await socket.emitWithAck("join", ["r1", "r2"]);
    console.log("join acked:", JSON.stringify(joined));
    socket.once("msg", (payload) => {
      console.log("roomcast got:", JSON.stringify(payload));
      socket.disconnect();
    });
    socket.emit("roomcast", "r2", { room: "r2" });
  });
  socket.emit("broadcast", { hello: "room" });
});
socket.on("connect_error", (err) => {
  console.error("connect_error:", err.message);
  process.exit(1);
});
