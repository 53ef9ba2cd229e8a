// Node's side of the Redis interoperability tests.
//
//   node interop.js emit <redisPort> <room> <json>   one broadcast through @socket.io/redis-emitter, then exit
//   node interop.js peer <redisPort>                 a Socket.IO server with @socket.io/redis-streams-adapter on a
//                                                    free port; prints PEER-READY <port>, then takes commands on
//                                                    stdin, one JSON per line, and answers each with one
//                                                    PEER-REPLY <json> line:
//                                                      {"fetch": room}            ids and data of io.in(room).fetchSockets()
//                                                      {"emit": room, "payload"}  io.to(room).emit("message", payload)
//                                                      {"emitWithAck": room, "event"}   the clients' answers
//                                                      {"serverSideEmitWithAck": event} the other servers' answers
//                                                      {"socketsJoin": room, "rooms"}   io.in(room).socketsJoin(rooms)
//                                                      {"disconnect": room}             io.in(room).disconnectSockets(true)
//                                                      {"heard": true}                  what other servers sent with
//                                                                                       serverSideEmit("chorus-says")
'use strict';
const Redis = require('ioredis');

const [mode, redisPort, ...rest] = process.argv.slice(2);

async function emit(room, json) {
  const { Emitter } = require('@socket.io/redis-emitter');
  const redis = new Redis(Number(redisPort), '127.0.0.1');
  new Emitter(redis).to(room).emit('message', JSON.parse(json));
  // PUBLISH went out on this connection; quit after it is answered.
  await redis.quit();
}

async function peer() {
  const http = require('http');
  const readline = require('readline');
  const { Server } = require('socket.io');
  const { createAdapter } = require('@socket.io/redis-streams-adapter');
  const redis = new Redis(Number(redisPort), '127.0.0.1');
  const server = http.createServer();
  const io = new Server(server, {
    adapter: createAdapter(redis),
    connectionStateRecovery: { maxDisconnectionDuration: 120_000 },
  });
  const heard = [];
  io.on('chorus-says', (...args) => heard.push(args));
  io.on('connection', (socket) => {
    if (socket.handshake.query.room) socket.join(socket.handshake.query.room);
    socket.data.from = 'node';
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log('PEER-READY ' + server.address().port);
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = JSON.parse(line);
    try {
      if (command.fetch !== undefined) {
        const sockets = await io.in(command.fetch).fetchSockets();
        console.log('PEER-REPLY ' + JSON.stringify(sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data }))));
      } else if (command.emit !== undefined) {
        io.to(command.emit).emit('message', command.payload);
        console.log('PEER-REPLY ' + JSON.stringify({ emitted: true }));
      } else if (command.emitWithAck !== undefined) {
        const answers = await io.to(command.emitWithAck).timeout(5000).emitWithAck(command.event);
        console.log('PEER-REPLY ' + JSON.stringify({ answers }));
      } else if (command.serverSideEmitWithAck !== undefined) {
        const answers = await io.serverSideEmitWithAck(command.serverSideEmitWithAck);
        console.log('PEER-REPLY ' + JSON.stringify({ answers }));
      } else if (command.socketsJoin !== undefined) {
        io.in(command.socketsJoin).socketsJoin(command.rooms);
        console.log('PEER-REPLY ' + JSON.stringify({ joined: true }));
      } else if (command.heard !== undefined) {
        console.log('PEER-REPLY ' + JSON.stringify({ heard }));
      } else if (command.disconnect !== undefined) {
        io.in(command.disconnect).disconnectSockets(true);
        console.log('PEER-REPLY ' + JSON.stringify({ disconnected: true }));
      }
    } catch (e) {
      console.log('PEER-REPLY ' + JSON.stringify({ error: String(e && e.message || e) }));
    }
  }
  io.close();
  await redis.quit();
}

(mode === 'emit' ? emit(rest[0], rest[1]) : peer()).catch((e) => {
  console.error(e);
  process.exit(1);
});
