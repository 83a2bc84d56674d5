// Starter for the http-request lesson: an HTTP server that reads whole
// requests.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson http-request --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Collect bytes until the head is complete ("\r\n\r\n"): a
    //       request may arrive in several reads.
    // TODO: Parse the request line, METHOD TARGET VERSION split by single
    //       spaces, and the header lines, Name: value.
    // TODO: Then read exactly Content-Length bytes of body (they too may
    //       come later).
    // TODO: Answer 200 with a text/plain page that describes what you
    //       found.
    // TODO: Answer 400 when the request line is not METHOD TARGET VERSION,
    //       or an HTTP/1.1 request has no Host header; answer 501 to
    //       Transfer-Encoding, which this server does not read.
    // TODO: Close the connection after the response.
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
