// The server of the concurrency lesson, in Node: a slow HTTP handler
// (1 s per request) that still serves many clients at once.
//
//   PORT=3001 node server.mjs
//   time (for i in 1 2 3 4 5; do curl -s http://localhost:3001/ & done; wait)
//
// Node runs all of our code on one thread. It still serves connections
// side by side, because nothing here waits by blocking: the slow part is a
// timer, and while it runs, Node goes on accepting and reading other
// connections. A busy loop, or a blocking call like a synchronous file
// read of a big file, would stall every client at once.
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const WORK_MS = 1000; // how long each request takes, like a slow database
const MAX_HEAD = 8 * 1024; // the most we hold while waiting for a head

let connections = 0;

const server = net.createServer((socket) => {
  const id = ++connections;
  const start = Date.now();
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', (err) => console.log(`#${id} failed: ${err.message}`));

  // Collect the request's head: it may arrive in several pieces, and a
  // client may take its time. Meanwhile the others are served.
  let head = Buffer.alloc(0);
  socket.on('data', function collect(chunk) {
    head = Buffer.concat([head, chunk]);
    if (head.length > MAX_HEAD) return socket.destroy();
    if (!head.includes('\r\n\r\n')) return;
    socket.off('data', collect);
    socket.resume(); // keep reading (and dropping) what else comes
    console.log(`#${id} read a ${head.length}-byte request: ${show(head)}`);

    // The slow part. setTimeout does not block: it asks Node to call us
    // back later, and Node serves the other connections in between.
    setTimeout(() => {
      const body = Buffer.from(`Hello after a ${WORK_MS / 1000}s wait! (connection #${id})\n`);
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      socket.end(body); // our FIN after the body
      console.log(`#${id} answered after ${Date.now() - start} ms`);
    }, WORK_MS);
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
