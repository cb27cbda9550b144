// Connects socket.io-client 4.x clients to several servers and reports what
// they receive, one JSON line each; stdin takes commands.
//
// env: URLS      comma-separated server URLs (http://127.0.0.1:port)
//      PER_URL   clients per URL (default 1)
//      NSP       namespace (default "/")
//      TRANSPORTS comma-separated transports (default "websocket")
//      PARSERS   comma-separated parser of each URL, "msgpack" for
//                socket.io-msgpack-parser (default: the JSON parser)
//      RECONNECT "1" lets clients reconnect (after 100ms), as a client
//                whose connection is cut does for connection state recovery
//
// stdout: {t:"connect",c,url,id,recovered} {t:"event",c,event,args} {t:"disconnect",c,reason}
//         {t:"ack",c,seq,args} (answer to an emit command with ack:true)
// stdin:  {cmd:"emit",c,event,args,ack,seq}  {cmd:"exit"}
// Every event that asks for an acknowledgement is acked with {client:c, id}.
"use strict";
const { io } = require("socket.io-client");
const { out, toJSON, fromJSON, commands } = require("./common");

const urls = (process.env.URLS || "").split(",").filter(Boolean);
const per = Number(process.env.PER_URL || 1);
const nsp = process.env.NSP || "/";
const transports = (process.env.TRANSPORTS || "websocket").split(",");
const parsers = (process.env.PARSERS || "").split(",");
const reconnect =
  process.env.RECONNECT === "1"
    ? { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 }
    : { reconnection: false };

const clients = [];
urls.forEach((url, u) => {
  for (let i = 0; i < per; i++) {
    const c = clients.length;
    const parser = parsers[u] === "msgpack" ? { parser: require("socket.io-msgpack-parser") } : {};
    const s = io(url + nsp, { transports, forceNew: true, ...reconnect, ...parser });
    clients.push(s);
    s.on("connect", () => out({ t: "connect", c, url: u, id: s.id, recovered: s.recovered }));
    s.on("connect_error", (e) => out({ t: "connect_error", c, msg: e.message }));
    s.on("disconnect", (reason) => out({ t: "disconnect", c, reason }));
    s.onAny((event, ...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
      out({ t: "event", c, event, args: toJSON(args) });
      if (ack) ack({ client: c, id: s.id });
    });
  }
});

commands(async (cmd) => {
  switch (cmd.cmd) {
    case "emit": {
      const s = clients[cmd.c];
      const args = fromJSON(cmd.args || []);
      if (cmd.ack) {
        const res = await s.timeout(5000).emitWithAck(cmd.event, ...args);
        out({ t: "ack", c: cmd.c, seq: cmd.seq, args: toJSON([res]) });
      } else {
        s.emit(cmd.event, ...args);
      }
      break;
    }
    case "exit":
      clients.forEach((s) => s.disconnect());
      setTimeout(() => process.exit(0), 50);
      break;
  }
});
