// Shared helpers of the wire_*.js interop scripts. Each script prints one
// JSON line per observation: {"step": name, "data": value}. Binary values
// are printed as {"$bin": "<hex>"} so that the Go side can tell them from
// strings and arrays.
"use strict";

const URL = process.env.SERVER_URL;
if (!URL) {
  console.error("SERVER_URL is not set");
  process.exit(2);
}

// show turns Buffers, ArrayBuffers and typed arrays into {"$bin": hex},
// recursively.
function show(v) {
  if (Buffer.isBuffer(v)) return { $bin: v.toString("hex") };
  if (v instanceof ArrayBuffer) return { $bin: Buffer.from(v).toString("hex") };
  if (ArrayBuffer.isView(v)) return { $bin: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex") };
  if (Array.isArray(v)) return v.map(show);
  if (v && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v)) o[k] = show(v[k]);
    return o;
  }
  return v;
}

function out(step, data) {
  process.stdout.write(JSON.stringify({ step, data: show(data) }) + "\n");
}

function fail(msg) {
  out("error", String(msg && msg.stack ? msg.stack : msg));
  process.exit(1);
}

// deadline fails the script if it has not finished in ms.
function deadline(ms) {
  setTimeout(() => fail("script deadline of " + ms + "ms exceeded"), ms);
}

// once resolves with the args of the next `event` on emitter, or rejects
// after ms.
function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout waiting for " + event)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

// ack emits with an acknowledgement and resolves with its args.
function ack(socket, event, ...args) {
  return socket.timeout(5000).emitWithAck(event, ...args).then(
    (v) => [v],
    (err) => Promise.reject(new Error("no ack for " + event + ": " + err.message)),
  );
}

// ackAll is ack for acknowledgements with several args.
function ackAll(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(5000).emit(event, ...args, (err, ...res) => (err ? reject(err) : resolve(res)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function main(fn, ms = 12000) {
  deadline(ms);
  fn().then(
    () => process.exit(0),
    (err) => fail(err),
  );
}

module.exports = { URL, show, out, fail, once, ack, ackAll, sleep, main };
