// Starter for the compression lesson: an HTTP server that compresses its answers
// with gzip.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson compression --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Read the request line and headers, and answer GET with a long text.
    // TODO: Read Accept-Encoding: a list like gzip;q=0.8, br, identity, where
    //       q=0 means "not this one".
    // TODO: When it allows gzip, compress the body, say Content-Encoding: gzip
    //       and the compressed Content-Length; otherwise send it as it is.
    // TODO: Say Vary: Accept-Encoding on both answers.
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
