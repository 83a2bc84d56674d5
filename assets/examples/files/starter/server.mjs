// Starter for the files lesson: an HTTP server that serves the files of one
// folder.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson files --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Read the request line and headers; answer GET and HEAD, others 405.
    // TODO: Map the path to a file in the folder public/ next to this file
    //       (tubes init put it there; index.html for /),
    //       and send it with the Content-Type of its name: .html text/html,
    //       .css text/css, .txt text/plain, .png image/png.
    // TODO: Send Last-Modified; answer If-Modified-Since that is not older
    //       with 304 Not Modified and no body. HEAD gets no body either.
    // TODO: Refuse with 403, before opening anything, every path with .. in it
    //       (also %2e%2e and ..%2f once decoded) or a backslash.
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
