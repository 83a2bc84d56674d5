// Starter for the tcp-accept lesson: a server that accepts connections and
// reads what arrives, but never writes.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson tcp-accept --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

// allowHalfOpen: when the client closes its side, Node leaves ours open
// until we call socket.end(); otherwise it would close it for us.
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  console.log(`accepted ${socket.remoteAddress}:${socket.remotePort}`);
  // TODO: Read what the client sends, and log it. The bytes come from the
  //       network: log them escaped, never raw.
  // TODO: Close a connection that stays silent for 3 seconds, so dead
  //       clients do not pile up.
  // TODO: Never write a byte back: that comes in a later lesson.
  // For now the socket just stays open: nothing reads from it yet.
});

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));
