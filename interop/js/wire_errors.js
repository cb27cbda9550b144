// wire_errors.js: CONNECT_ERROR for an unknown namespace and for a
// namespace whose OnConnect refuses with a message and data, then a
// successful connect to "/" over the same Manager.
"use strict";
const { io } = require("socket.io-client");
const { URL, out, once, main } = require("./wire_lib");

main(async () => {
  const opts = { reconnection: false };
  const nope = io(URL + "/nope", opts);
  const refuse = io(URL + "/refuse", opts);
  const [[e1], [e2]] = await Promise.all([once(nope, "connect_error"), once(refuse, "connect_error")]);
  out("unknown-namespace", { message: e1.message, data: e1.data ?? null, connected: nope.connected });
  out("refused", { message: e2.message, data: e2.data ?? null, connected: refuse.connected });
  const root = io(URL, opts);
  if (root.io !== nope.io) throw new Error("the three sockets do not share a Manager");
  const auth = once(root, "auth");
  await once(root, "connect");
  out("root-after-errors", { connected: root.connected, auth: (await auth)[0] });
  root.disconnect();
});
