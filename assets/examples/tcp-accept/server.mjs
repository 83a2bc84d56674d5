// The server of the tcp-accept lesson, in Node: it accepts connections and
// reads whatever arrives, but never writes a byte back.
//
//   PORT=3001 node server.mjs
//   nc localhost 3001        (in another terminal; type hi and Enter)
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const IDLE_MS = 3000; // close a connection after this long in silence

let nextId = 1;

// createServer gives us each accepted connection as a socket. Node runs
// the accept loop for us: the callback is called once per connection.
const server = net.createServer((socket) => {
  const id = nextId++;
  console.log(`#${id} accepted ${socket.remoteAddress}:${socket.remotePort}`);

  // setTimeout measures silence: every byte that arrives restarts it.
  socket.setTimeout(IDLE_MS);
  socket.on('timeout', () => {
    console.log(`#${id} silent for ${IDLE_MS} ms, closing it`);
    socket.end();
  });

  socket.on('data', (chunk) => console.log(`#${id} read ${chunk.length} bytes: ${show(chunk)}`));
  socket.on('end', () => console.log(`#${id} closed by client`));
  socket.on('error', (err) => console.log(`#${id} failed: ${err.message}`));
});

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));

// show turns bytes from the network into safe text for the terminal:
// anyone can send any byte, and a raw control byte could steer it. So
// printable ASCII stays, every other byte becomes \xNN.
function show(bytes) {
  let out = '';
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  }
  return out;
}
