// The server of the client lesson, in Node. It shows the two ends of each
// connection, never writes, and reports who ended it: the client (a FIN or
// a reset) or the server itself, after 2 s of silence.
//
//   PORT=3001 node server.mjs
//   nc localhost 3001        (in another terminal; then Ctrl+C, or wait)
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const PATIENCE_MS = 2000; // how long we wait in silence before hanging up

let nextId = 1;

// allowHalfOpen: when the client closes its side, Node leaves ours open
// until we call socket.end() ourselves, so we can see each step.
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const id = nextId++;
  const start = Date.now();
  // Each end is an address and a port. Ours is the port we listen on; the
  // client's port is an ephemeral one its OS picked for this connection.
  console.log(`#${id} accepted: server end ${socket.localAddress}:${socket.localPort}, client end ${socket.remoteAddress}:${socket.remotePort}`);

  socket.on('data', (chunk) => console.log(`#${id} read ${chunk.length} bytes: ${show(chunk)}`));

  // 'end' is end-of-file: the client sent a FIN, "no more bytes from me".
  // We close our side too.
  socket.on('end', () => {
    console.log(`#${id} closed by client after ${Date.now() - start} ms`);
    socket.end();
  });

  // A reset (RST) tears the connection down at once; Node reports it as
  // an error with the code ECONNRESET.
  socket.on('error', (err) => {
    const how = err.code === 'ECONNRESET' ? 'closed by client (reset)' : `failed: ${err.message}`;
    console.log(`#${id} ${how} after ${Date.now() - start} ms`);
  });

  // Nobody said anything for a while, so we leave first: end() sends our
  // FIN, and the client reads end-of-file.
  socket.setTimeout(PATIENCE_MS);
  socket.on('timeout', () => {
    console.log(`#${id} closed by server after ${PATIENCE_MS} ms of silence`);
    socket.end();
  });
});

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));

// show turns bytes from the network into safe text for the terminal:
// printable ASCII stays, every other byte becomes \xNN.
function show(bytes) {
  let out = '';
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  }
  return out;
}
