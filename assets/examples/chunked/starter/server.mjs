// Starter for the chunked lesson: an HTTP server that sends and reads
// bodies in chunks.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson chunked --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Read whole requests: the head up to the empty line, then the body.
    // TODO: A GET gets Transfer-Encoding: chunked and its body in pieces, each
    //       as: size in hex, \r\n, the bytes, \r\n; then the end, 0\r\n\r\n.
    // TODO: A body sent with Transfer-Encoding: chunked: read each size line,
    //       that many bytes and their \r\n, until the chunk of size 0 and the
    //       empty line after it; answer with the joined body.
    // TODO: A size line may carry extensions after a ";" (7;ext=1): they are
    //       allowed; skip them. Refuse with 400 a size, the part before any
    //       ";", that is not only hex digits.
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
