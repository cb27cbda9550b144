// wire_multiplex.js: sockets of "/" and "/custom" multiplexed on one
// Manager, hence one Engine.IO session; events are routed per namespace and
// leaving one namespace keeps the other.
"use strict";
const { io } = require("socket.io-client");
const { URL, out, fail, once, ackAll, main } = require("./wire_lib");

main(async () => {
  const root = io(URL, { reconnection: false, auth: { ns: "root" } });
  const custom = io(URL + "/custom", { auth: { ns: "custom" } });
  out("shared-manager", root.io === custom.io);
  const authRoot = once(root, "auth");
  const authCustom = once(custom, "auth");
  await Promise.all([once(root, "connect"), once(custom, "connect")]);
  out("auth", [(await authRoot)[0], (await authCustom)[0]]);

  const [wr] = await ackAll(root, "whoami");
  const [wc] = await ackAll(custom, "whoami");
  const engineID = root.io.engine.id;
  out("same-engine", {
    root: wr.engine === engineID, custom: wc.engine === engineID,
    nsps: [wr.nsp, wc.nsp], sameSocketID: wr.id === wc.id,
  });

  root.on("custom-back", () => fail("custom-back delivered to /"));
  custom.on("message-back", () => fail("message-back delivered to /custom"));
  const rb = once(root, "message-back");
  const cb = once(custom, "custom-back");
  root.emit("message", "to root");
  custom.emit("message", "to custom");
  out("routed", { root: ["message-back", await rb], custom: ["custom-back", await cb] });

  root.disconnect();
  const echo = once(custom, "custom-back");
  custom.emit("message", "still here");
  out("custom-alone", {
    rootConnected: root.connected, customConnected: custom.connected,
    echo: await echo, sameEngine: custom.io.engine.id === engineID,
  });
  custom.disconnect();
});
