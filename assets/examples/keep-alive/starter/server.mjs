// Starter for the keep-alive lesson: an HTTP server that serves many
// requests on one connection.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson keep-alive --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Read whole requests: one read may hold part of a request, or
    //       two of them. Bytes past one request belong to the next.
    // TODO: Answer each with Content-Length, and keep the connection open
    //       for the next request.
    // TODO: When the client says Connection: close, or speaks HTTP/1.0,
    //       answer with Connection: close and close.
    // TODO: An HTTP/1.1 request without a Host header gets 400.
    // TODO: Close a connection that stays silent for 10 seconds.
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
