// Starter for the routing lesson: an HTTP server with a router.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson routing --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Read a whole request, as in the http-request lesson: the head
    //       up to "\r\n\r\n", then the body by Content-Length (or chunked).
    // TODO: Pick the answer by method and path: GET / a welcome text, GET
    //       /time the time in RFC 3339, POST /echo the body sent back.
    // TODO: Any other path: 404, with a body that names the missing route.
    // TODO: A known path with another method: 405, with an Allow header
    //       (GET, HEAD for / and /time; POST for /echo).
    // TODO: HEAD / and HEAD /time: the status and headers GET would get,
    //       Content-Length included, and no body.
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
