// Helpers shared by the cluster scripts: one JSON object per stdout line,
// and binary values as {"$bin": base64} in JSON.
"use strict";

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// toJSON replaces every Buffer (or ArrayBuffer view) in v by {$bin: base64}.
function toJSON(v) {
  if (Buffer.isBuffer(v)) return { $bin: v.toString("base64") };
  if (v instanceof ArrayBuffer) return { $bin: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return v.map(toJSON);
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = toJSON(x);
    return o;
  }
  return v;
}

// fromJSON turns every {$bin: base64} in v back into a Buffer.
function fromJSON(v) {
  if (Array.isArray(v)) return v.map(fromJSON);
  if (v && typeof v === "object") {
    if (typeof v.$bin === "string" && Object.keys(v).length === 1) return Buffer.from(v.$bin, "base64");
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = fromJSON(x);
    return o;
  }
  return v;
}

// commands calls fn with each JSON line read from stdin.
function commands(fn) {
  const rl = require("readline").createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    if (!line.trim()) return;
    let cmd;
    try {
      cmd = JSON.parse(line);
    } catch (e) {
      out({ t: "error", msg: "bad command: " + e.message });
      return;
    }
    Promise.resolve(fn(cmd)).catch((e) => out({ t: "error", seq: cmd.seq, msg: String(e && e.message) }));
  });
  rl.on("close", () => process.exit(0));
}

module.exports = { out, toJSON, fromJSON, commands };
