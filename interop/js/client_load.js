// The socket.io-client side of internal/clientload: the same measurement
// (memory per idle connection, client CPU per ack in a closed echo loop,
// one socket.io Manager per connection, websocket only) against a server
// following examples/bench's contract. See docs/performance.md.
//   NODE_PATH=interop/node_modules node --expose-gc interop/js/client_load.js URL CONNS SECONDS
// PARSER=msgpack uses socket.io-msgpack-parser (the server must too).
const { io } = require("socket.io-client");
const parser = process.env.PARSER === "msgpack" ? require("socket.io-msgpack-parser") : undefined;

const url = process.argv[2] || "http://127.0.0.1:3000";
const conns = Number(process.argv[3] || 200);
const seconds = Number(process.argv[4] || 10);

function live() {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss };
}

function connect() {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, parser });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

async function main() {
  const before = live();
  const sockets = [];
  for (let i = 0; i < conns; i++) sockets.push(await connect());
  await new Promise((r) => setTimeout(r, 1000));
  const after = live();
  let acks = 0;
  let failed = 0;
  const end = Date.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(sockets.map(async (s) => {
    const payload = { n: 1, s: "two" };
    while (Date.now() < end) {
      try {
        await s.timeout(10000).emitWithAck("echo", payload);
        acks++;
      } catch (e) {
        failed++;
      }
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const us = cpu.user + cpu.system;
  console.log(`client=node conns=${conns} idle_bytes_per_conn=${((after.heap - before.heap) / conns).toFixed(0)} ` +
    `idle_rss_per_conn=${((after.rss - before.rss) / conns).toFixed(0)} acks=${acks} ` +
    `acks_per_s=${(acks / elapsed).toFixed(0)} cpu_us_per_ack=${(us / Math.max(acks, 1)).toFixed(2)} failed=${failed}`);
  sockets.forEach((s) => s.disconnect());
}

main().catch((e) => { console.error(e); process.exit(1); });
