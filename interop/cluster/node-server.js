// A Node socket.io 4.8 server with @socket.io/redis-adapter (the classic
// pub/sub RedisAdapter), for the mixed Socketeer/Node cluster tests.
//
// env: REDIS_URL (default redis://127.0.0.1:6379), KEY (channel prefix)
// stdout: {t:"listening",port} once serving; {t:"server_side",event,args}
//         for events other servers send with serverSideEmit; answers to
//         commands carry their seq.
// stdin:  {cmd:"emit",rooms,except,event,args,seq}
//         {cmd:"emitWithAck",rooms,except,event,args,timeout,seq}
//         {cmd:"fetch",rooms,seq} {cmd:"join",rooms,room,seq}
//         {cmd:"leave",rooms,room,seq} {cmd:"disconnect",rooms,close,seq}
//         {cmd:"serverSideEmit",event,args,seq}
//         {cmd:"serverSideEmitWithAck",event,args,seq} answers
//         {t:"ss_acks",seq,responses[,error]}
// Server-side events with an ack: "cluster:ask" (arg, ...) is answered
// with {from:"node",got:arg}; "cluster:silent" is never answered.
// Clients may emit "join" (room, ack) to join a room.
"use strict";
const http = require("http");
const { Server } = require("socket.io");
const { createClient } = require("redis");
const { createAdapter } = require("@socket.io/redis-adapter");
const { out, toJSON, fromJSON, commands } = require("./common");

async function main() {
  const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const pub = createClient({ url });
  const sub = pub.duplicate();
  pub.on("error", (e) => out({ t: "redis_error", msg: String(e.message) }));
  sub.on("error", (e) => out({ t: "redis_error", msg: String(e.message) }));
  await Promise.all([pub.connect(), sub.connect()]);

  const httpServer = http.createServer();
  const io = new Server(httpServer, {
    adapter: createAdapter(pub, sub, { key: process.env.KEY || "socket.io", requestsTimeout: 3000 }),
  });
  io.on("connection", (socket) => {
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack("ok");
    });
  });
  io.on("cluster:hello", (...args) => out({ t: "server_side", event: "cluster:hello", args: toJSON(args) }));
  io.on("cluster:ask", (...args) => args.pop()({ from: "node", got: args[0] }));
  io.on("cluster:silent", () => out({ t: "server_side", event: "cluster:silent" }));

  const select = (cmd) => io.to(cmd.rooms || []).except(cmd.except || []);
  commands(async (cmd) => {
    switch (cmd.cmd) {
      case "emit":
        select(cmd).emit(cmd.event, ...fromJSON(cmd.args || []));
        out({ t: "done", seq: cmd.seq });
        break;
      case "emitWithAck": {
        try {
          const res = await select(cmd).timeout(cmd.timeout || 3000).emitWithAck(cmd.event, ...fromJSON(cmd.args || []));
          out({ t: "acks", seq: cmd.seq, responses: toJSON(res) });
        } catch (e) {
          out({ t: "acks", seq: cmd.seq, error: e.message });
        }
        break;
      }
      case "fetch": {
        const sockets = await io.in(cmd.rooms || []).fetchSockets();
        out({ t: "fetch", seq: cmd.seq, sockets: sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data, handshake: s.handshake })) });
        break;
      }
      case "join":
        io.in(cmd.rooms || []).socketsJoin(cmd.room);
        out({ t: "done", seq: cmd.seq });
        break;
      case "leave":
        io.in(cmd.rooms || []).socketsLeave(cmd.room);
        out({ t: "done", seq: cmd.seq });
        break;
      case "disconnect":
        io.in(cmd.rooms || []).disconnectSockets(!!cmd.close);
        out({ t: "done", seq: cmd.seq });
        break;
      case "serverSideEmit":
        io.serverSideEmit(cmd.event, ...fromJSON(cmd.args || []));
        out({ t: "done", seq: cmd.seq });
        break;
      case "serverSideEmitWithAck":
        try {
          const res = await io.serverSideEmitWithAck(cmd.event, ...fromJSON(cmd.args || []));
          out({ t: "ss_acks", seq: cmd.seq, responses: toJSON(res) });
        } catch (e) {
          out({ t: "ss_acks", seq: cmd.seq, responses: toJSON(e.responses || []), error: e.message });
        }
        break;
    }
  });

  httpServer.listen(0, "127.0.0.1", () => out({ t: "listening", port: httpServer.address().port }));
}

main().catch((e) => {
  out({ t: "fatal", msg: String(e && e.stack) });
  process.exit(1);
});
