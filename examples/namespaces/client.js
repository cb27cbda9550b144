// The client of examples/namespaces: socket.io-client 4.x.
//   NODE_PATH=interop/node_modules ADMIN_TOKEN=secret node examples/namespaces/client.js [url]
const { io } = require("socket.io-client");

const url = process.env.URL || process.argv[2] || "http://127.0.0.1:5000";
const once = (socket, event) => new Promise((resolve) => socket.once(event, resolve));
const print = (label, v) => console.log(label + ": " + JSON.stringify(v));

async function main() {
  // A wrong token: OnConnect refuses with errors.Client("not authorized", data).
  const intruder = io(url + "/admin", { auth: { token: "wrong" }, forceNew: true });
  const refused = await once(intruder, "connect_error");
  print("refused", { message: refused.message, data: refused.data });
  intruder.close();

  const chat = io(url + "/chat");
  await once(chat, "connect");
  const admin = io(url + "/admin", { auth: { token: process.env.ADMIN_TOKEN } });
  await once(admin, "connect");
  print("admin connected", admin.connected);

  print("stats", await admin.emitWithAck("stats"));
  const announced = once(chat, "announcement");
  await admin.emitWithAck("announce", "maintenance at noon");
  print("chat got announcement", await announced);

  print("chat error", await chat.emitWithAck("say", { text: "" })); // Chat.OnError
  print("admin error", await admin.emitWithAck("kick", "nobody")); // Admin.OnError

  const kicked = once(chat, "disconnect");
  print("kick", await admin.emitWithAck("kick", chat.id));
  print("chat disconnected", await kicked);
  admin.close();
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
