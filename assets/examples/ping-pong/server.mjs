// The server of the ping-pong lesson, in Node: every read it does is
// answered with the same 18 bytes, "Hello client! 🎉".
//
//   PORT=3001 node server.mjs
//   nc localhost 3001        (in another terminal; type ping and Enter)
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const IDLE_MS = 60_000;

// 14 ASCII bytes plus 4 bytes of UTF-8 for the emoji: 18 bytes, though it
// looks like 15 characters. No newline at the end.
const REPLY = Buffer.from('Hello client! 🎉', 'utf8');

const server = net.createServer((socket) => {
  socket.setTimeout(IDLE_MS);
  socket.on('timeout', () => socket.end());

  // TCP is full duplex: we answer on the very socket we read from. We
  // answer each read ('data' event), not each "message": TCP keeps no
  // message boundaries, so two lines pasted at once may be one read.
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    socket.write(REPLY);
  });
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));
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
