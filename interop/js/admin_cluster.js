// admin_cluster.js: the Admin UI's view of a two-node cluster on Redis,
// spoken by socket.io-client as the UI does. An admin socket on node A
// sees server_stats from both nodes, all_sockets from both, development
// events from node B, and disconnects a socket of node B.
//
// Environment: SERVER_URL (node A), SERVER_B_URL (node B).
"use strict";
const { io } = require("socket.io-client");
const { URL, out, once, sleep, main } = require("./wire_lib");

const URL_B = process.env.SERVER_B_URL;

// until waits for an admin event whose args pass ok.
function until(socket, event, ok, ms = 8000) {
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

// statsFrom resolves with the serverIds of server_stats seen on socket
// until every one of want came.
function statsFrom(socket, want, ms = 8000) {
  const seen = new Set();
  return until(socket, "server_stats", (s) => {
    seen.add(s.serverId);
    return want.every((id) => seen.has(id));
  }, ms).then(() => [...seen].sort());
}

const login = { reconnection: false, auth: { username: "admin", password: "s3cret" } };

main(async () => {
  const admin = io(URL + "/admin", login);
  await once(admin, "connect");
  out("stats_servers", await statsFrom(admin, ["node-a", "node-b"]));

  const onA = io(URL, { reconnection: false, forceNew: true, transports: ["websocket"] });
  await once(onA, "connect");
  const fromB = until(admin, "socket_connected", (s) => s.nsp === "/" && s.id !== onA.id);
  const onB = io(URL_B, { reconnection: false, forceNew: true, transports: ["websocket"] });
  await once(onB, "connect");
  const [sockB] = await fromB;
  out("socket_connected_from_b", sockB.id === onB.id);

  // all_sockets comes with each admin CONNECT: a second admin on node A.
  const admin2 = io(URL + "/admin", { ...login, forceNew: true });
  const [all] = await once(admin2, "all_sockets", 8000);
  const ids = all.filter((s) => s.nsp === "/").map((s) => s.id);
  out("all_sockets", { a: ids.includes(onA.id), b: ids.includes(onB.id), n: ids.length });
  admin2.close();

  const joined = until(admin, "room_joined", (nsp, room, id) => room === "r-b" && id === onB.id);
  admin.emit("join", "/", "r-b", onB.id);
  await joined;
  out("join_on_b", true);

  const uid = onB.id;
  const gone = until(admin, "socket_disconnected", (nsp, id) => id === uid);
  const bGone = once(onB, "disconnect", 8000);
  admin.emit("_disconnect", "/", false, onB.id);
  out("disconnect_on_b", { user: (await bGone)[0], admin: (await gone)[2], aStill: onA.connected });

  onA.close();
  admin.close();
  await sleep(50);
});
