// recovery.js: connection state recovery seen by a real socket.io-client.
// Client "a" loses its connection (its Engine.IO socket is closed under
// it) while client "b" makes the server emit; when "a" connects again it
// must be the same socket, with its rooms and data, and get the events it
// missed in order, exactly once, before anything new. MODE picks the run:
//   main   - two recoveries in a row, then a namespace disconnect that
//            must not recover
//   expire - a disconnection longer than the window
//   cap    - a disconnection during which FLOOD events go out
//   refuse - a recovery that the server's middleware refuses
// TRANSPORT is "websocket" or "polling".
"use strict";
const { io } = require("socket.io-client");
const { URL, out, once, ack, sleep, main } = require("./wire_lib");

const MODE = process.env.MODE || "main";
const TRANSPORT = process.env.TRANSPORT || "websocket";

function client() {
  return io(URL, { transports: [TRANSPORT], forceNew: true, reconnection: false });
}

// record keeps every "m", "x", "v" and "welcome" event of s, each as
// [name, ...args] with the offset (the last, string arg) taken off.
function record(s, log) {
  s.onAny((event, ...args) => {
    const offset = typeof args[args.length - 1] === "string" ? args.pop() : null;
    log.push({ event, args, offset: offset !== null });
  });
}

// drop closes a's Engine.IO connection under it and waits until the
// server saw the socket go.
async function drop(a, b) {
  const id = a.id;
  const gone = once(a, "disconnect");
  a.io.engine.close();
  const [reason] = await gone;
  await ack(b, "wait_gone", id);
  return reason;
}

// reconnect connects a again and waits for its CONNECT.
async function reconnect(a) {
  const c = once(a, "connect");
  a.connect();
  await c;
  return { id: a.id, recovered: a.recovered };
}

main(async () => {
  const log = [];
  const a = client();
  record(a, log);
  await once(a, "connect");
  const b = client();
  await once(b, "connect");
  const first = a.id;
  out("first", { recovered: a.recovered, pid: typeof a._pid });
  out("setup", (await ack(a, "setup"))[0]);
  await ack(b, "fan", "r1", 1, false); // live, before any loss
  await ack(a, "sync");

  if (MODE === "expire") {
    out("reason", await drop(a, b));
    await sleep(Number(process.env.WAIT_MS || 800));
    const r = await reconnect(a);
    out("after", { sameId: r.id === first, recovered: r.recovered });
    out("whoami", (await ack(a, "whoami"))[0]);
    a.close();
    b.close();
    return;
  }
  if (MODE === "refuse") {
    out("reason", await drop(a, b));
    const refused = once(a, "connect_error");
    a.connect();
    const [err] = await refused;
    out("refused", err.message);
    a.close();
    b.close();
    return;
  }
  if (MODE === "cap") {
    out("reason", await drop(a, b));
    await ack(b, "flood", Number(process.env.FLOOD || 3000));
    out("stats", (await ack(b, "stats"))[0]);
    const r = await reconnect(a);
    out("after", { sameId: r.id === first, recovered: r.recovered });
    a.close();
    b.close();
    return;
  }

  let n = 2;
  for (const round of [1, 2]) {
    log.length = 0;
    out("reason-" + round, await drop(a, b));
    await ack(b, "fan", "r1", n++, false); // a's room
    await ack(b, "fan", "", n++, true); // every socket, binary
    await ack(b, "direct", first, n++); // a's own room
    await ack(b, "others"); // a left room r3; a volatile event; an ack-ed event
    const r = reconnect(a);
    await ack(b, "fan", "r2", n++, false); // races with the recovery
    const got = await r;
    await ack(b, "fan", "r1", n++, false); // after: live
    await ack(a, "sync");
    out("round-" + round, { sameId: got.id === first, recovered: got.recovered, log });
    out("whoami-" + round, (await ack(a, "whoami"))[0]);
  }

  // A namespace disconnect by the client keeps nothing.
  a.disconnect();
  await ack(b, "wait_gone", first);
  const r = await reconnect(a);
  out("after-disconnect", { sameId: r.id === first, recovered: r.recovered });
  a.close();
  b.close();
}, 20000);
