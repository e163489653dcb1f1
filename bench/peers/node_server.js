// SPDX-License-Identifier: MIT
// A Node.js `net` echo server as its documentation has it: every socket piped into itself
// (back-pressure included), every peer at once.
'use strict';
const net = require('net');

const server = net.createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
server.listen({ host: '127.0.0.1', port: Number(process.argv[2]), backlog: 1024 });
process.on('SIGTERM', () => process.exit(0));
