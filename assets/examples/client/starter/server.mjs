// Starter for the client lesson: a server that sees both ends of a
// connection, and who closes it.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson client --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

// allowHalfOpen: when the client closes its side, Node leaves ours open
// until we call socket.end(); otherwise it would close it for us.
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  console.log(`accepted ${socket.remoteAddress}:${socket.remotePort}`);
  // TODO: Log both ends of the connection: your address and port, and the
  //       client's.
  // TODO: Read until the client closes its side: a read then returns
  //       end-of-file (0 bytes). Close your side too.
  // TODO: If the client stays silent for 2 seconds, close the connection
  //       yourself.
  // For now the socket just stays open: nothing reads from it yet.
});

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));
