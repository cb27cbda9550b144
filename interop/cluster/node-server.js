// A Node socket.io 4.8 server with @socket.io/redis-adapter (the classic
// pub/sub RedisAdapter, or its sharded adapter) or
// @socket.io/redis-streams-adapter, for the mixed Socketeer/Node cluster
// tests.
//
// env: REDIS_URL (default redis://127.0.0.1:6379), KEY (channel prefix)
//      REDIS_CLUSTER host:port,host:port: a Redis Cluster (node-redis
//      createCluster) instead of REDIS_URL
//      ADAPTER "streams" for the streams adapter, with STREAM (stream
//      name) and SESSION_PREFIX (session key prefix); "sharded" for
//      createShardedAdapter, with SUBSCRIPTION_MODE (static, dynamic or
//      dynamic-private; default static)
//      RECOVERY connectionStateRecovery's maxDisconnectionDuration in ms
//      (off when unset)
// stdout: {t:"listening",port} once serving; {t:"server_side",event,args}
//         for events other servers send with serverSideEmit ("cluster:ask"
//         is acknowledged with {node:"node",got:args}); answers to
//         commands carry their seq.
// stdin:  {cmd:"emit",rooms,except,event,args,seq}
//         {cmd:"emitWithAck",rooms,except,event,args,timeout,seq}
//         {cmd:"fetch",rooms,seq} {cmd:"join",rooms,room,seq}
//         {cmd:"leave",rooms,room,seq} {cmd:"disconnect",rooms,close,seq}
//         {cmd:"serverSideEmit",event,args,seq}
//         {cmd:"serverSideEmitWithAck",event,args,seq} answers
//         {t:"ss_acks",seq,responses[,error]}
//         {cmd:"burst",rooms,event,count,interval,seq}: event 0..count-1,
//         one every interval ms
// Server-side events with an ack: "cluster:ask" (arg, ...) is answered
// with {from:"node",got:arg}; "cluster:silent" is never answered.
// Clients may emit "join" (room, ack) to join a room, "setup" (room, name,
// ack) to join a room and set data.name, "whoami" (ack) for {id, rooms,
// data, recovered}.
"use strict";
const http = require("http");
const { Server } = require("socket.io");
const { createClient, createCluster } = require("redis");
const { createAdapter, createShardedAdapter } = require("@socket.io/redis-adapter");
const streams = require("@socket.io/redis-streams-adapter");
const { out, toJSON, fromJSON, commands } = require("./common");

async function main() {
  const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const cluster = (process.env.REDIS_CLUSTER || "").split(",").filter(Boolean);
  const pub = cluster.length > 0
    ? createCluster({ rootNodes: cluster.map((a) => ({ url: "redis://" + a })) })
    : createClient({ url });
  const sub = pub.duplicate();
  pub.on("error", (e) => out({ t: "redis_error", msg: String(e.message) }));
  sub.on("error", (e) => out({ t: "redis_error", msg: String(e.message) }));
  await Promise.all([pub.connect(), sub.connect()]);

  const httpServer = http.createServer();
  const key = process.env.KEY || "socket.io";
  const adapter =
    process.env.ADAPTER === "streams"
      ? streams.createAdapter(pub, {
          streamName: process.env.STREAM || "socket.io",
          channelPrefix: key,
          sessionKeyPrefix: process.env.SESSION_PREFIX || "sio:session:",
          blockTimeInMs: 1000,
        })
      : process.env.ADAPTER === "sharded"
        ? createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode: process.env.SUBSCRIPTION_MODE || "static" })
        : createAdapter(pub, sub, { key, requestsTimeout: 3000 });
  const recovery = process.env.RECOVERY
    ? { connectionStateRecovery: { maxDisconnectionDuration: Number(process.env.RECOVERY), skipMiddlewares: true } }
    : {};
  const io = new Server(httpServer, { adapter, ...recovery });
  io.on("connection", (socket) => {
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack("ok");
    });
    socket.on("setup", (room, name, ack) => {
      socket.join(room);
      socket.data.name = name;
      ack("ok");
    });
    socket.on("whoami", (ack) => ack({ id: socket.id, rooms: [...socket.rooms], data: socket.data, recovered: socket.recovered }));
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
      case "burst":
        for (let i = 0; i < cmd.count; i++) {
          select(cmd).emit(cmd.event, i);
          await new Promise((r) => setTimeout(r, cmd.interval || 2));
        }
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
