// wire_upgrade.js: 200 numbered events each way while the client upgrades
// from polling to websocket. The Go server delays the probe websocket by
// 200ms, so the bursts start on polling, cross the upgrade and end on
// websocket. Prints what arrived, in order, and on which transport.
"use strict";
const { io } = require("socket.io-client");
const { URL, out, once, ackAll, sleep, main } = require("./wire_lib");

const N = 200;

main(async () => {
  const socket = io(URL, { reconnection: false }); // polling, then upgrade
  const received = [];
  const receivedOn = { polling: 0, websocket: 0 };
  const sentOn = { polling: 0, upgrading: 0, websocket: 0 };
  let sent = 0;
  let upgraded = false;
  const send = () => {
    const engine = socket.io.engine;
    sentOn[engine.upgrading ? "upgrading" : engine.transport.name]++;
    socket.emit("seq", sent++);
  };
  socket.on("srv-seq", (i) => {
    received.push(i);
    receivedOn[socket.io.engine.transport.name]++;
  });
  await once(socket, "connect");
  const engine = socket.io.engine;
  // Events emitted while the upgrade is under way wait in the client's
  // buffer and go out on the websocket after the upgrade packet.
  engine.on("upgrading", () => {
    for (let j = 0; j < 20 && sent < N; j++) send();
  });
  engine.on("upgrade", () => (upgraded = true));
  socket.emit("burst", N, 2);
  while (sent < N) {
    send();
    await sleep(2);
  }
  const deadline = Date.now() + 8000;
  while (received.length < N && Date.now() < deadline) await sleep(10);
  const [serverGot] = await ackAll(socket, "seq-done");
  out("burst", {
    received, serverGot, sentOn, receivedOn, upgraded,
    upgradingSent: sentOn.upgrading, transport: engine.transport.name,
  });
  socket.disconnect();
});
