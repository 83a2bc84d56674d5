// Starter for the closing lesson: a server that answers once the client
// has said it is done (its FIN).
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson closing --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Count the bytes and lines that arrive; answer nothing yet.
    // TODO: When a read returns end-of-file (the client's FIN, as nc -N sends
    //       it), answer with "N bytes, M lines\n": the client still reads.
    // TODO: Then close politely: shut down your write side (FIN) and read
    //       until the client closes too, so the close is never a reset.
    // TODO: Always close once the client is gone: a socket you never close
    //       sits in CLOSE_WAIT.
  });
  socket.on('error', (err) => console.log('connection failed:', err.message));
});

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));

// show turns bytes from the network into safe text for the terminal:
// printable ASCII as it is, every other byte as \xNN.
function show(bytes) {
  let out = '';
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  }
  return out;
}
