// admin_protocol.js: the Admin UI's protocol, spoken by socket.io-client as
// the UI does: a refused login, a login with its session id, config,
// all_sockets, server_stats, development-mode events and each action.
"use strict";
const { io } = require("socket.io-client");
const { URL, out, fail, once, sleep, main } = require("./wire_lib");

// until waits for an admin event whose args pass ok.
function until(socket, event, ok, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout waiting for " + event)), ms);
    const fn = (...args) => {
      if (ok(...args)) {
        clearTimeout(t);
        socket.off(event, fn);
        resolve(args);
      }
    };
    socket.on(event, fn);
  });
}

main(async () => {
  const bad = io(URL + "/admin", { reconnection: false, auth: { username: "admin", password: "wrong" } });
  const err = await once(bad, "connect_error");
  out("refused", err[0].message);
  bad.close();

  const admin = io(URL + "/admin", { reconnection: false, auth: { username: "admin", password: "s3cret" } });
  const session = once(admin, "session");
  const config = once(admin, "config");
  const all = once(admin, "all_sockets");
  await once(admin, "connect");
  const [sid] = await session;
  out("session", typeof sid === "string" && sid.length === 16);
  out("features", (await config)[0].supportedFeatures);
  out("all_sockets", Array.isArray((await all)[0]));
  const [stats] = await once(admin, "server_stats", 5000);
  out("stats_fields", Object.keys(stats).sort());
  out("stats_namespaces", stats.namespaces.map((n) => n.name).sort());

  const user = io(URL, { reconnection: false, forceNew: true, transports: ["websocket"] });
  const connected = until(admin, "socket_connected", (s) => s.nsp === "/");
  await once(user, "connect");
  const [sock] = await connected;
  out("socket_connected", { same: sock.id === user.id, transport: sock.transport, hasClientId: !!sock.clientId });
  const joined = until(admin, "room_joined", (nsp, room, id) => room === "r1" && id === user.id);
  const received = until(admin, "event_received", (nsp, id) => id === user.id);
  user.emit("join", "r1");
  await joined;
  const [, , args] = await received;
  out("event_received", args);

  const hello = once(user, "hello");
  admin.emit("emit", "/", "r1", "hello", { n: 1 });
  out("action_emit", await hello);

  const j2 = until(admin, "room_joined", (nsp, room, id) => room === "r2" && id === user.id);
  admin.emit("join", "/", "r2", user.id);
  await j2;
  const l2 = until(admin, "room_left", (nsp, room, id) => room === "r2" && id === user.id);
  admin.emit("leave", "/", "r2", user.id);
  await l2;
  out("action_join_leave", true);

  const uid = user.id; // undefined once disconnected
  const gone = until(admin, "socket_disconnected", (nsp, id) => id === uid);
  const userGone = once(user, "disconnect");
  admin.emit("_disconnect", "/", false, user.id);
  out("action_disconnect", { user: (await userGone)[0], admin: (await gone)[2] });

  const again = io(URL + "/admin", { reconnection: false, auth: { sessionId: sid } });
  await once(again, "connect");
  out("session_reused", true);
  again.close();
  admin.close();
  await sleep(50);
});
