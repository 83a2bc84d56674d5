// The server of the timeouts lesson, in Node: an HTTP server with the two
// clocks a real server needs, and a limit on open connections.
//
//   PORT=3001 node server.mjs
//   curl -v http://localhost:3001/
//   nc localhost 3001        (send nothing: closed after 3 s)
//
// A silent connection meets the header clock first: it runs from the
// moment the connection opens, and its 3 s end before the 5 s idle clock.
// The idle clock ends a client that goes quiet halfway through its head.
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const IDLE_MS = 5000; // silence allowed, counted afresh by every byte
const HEADER_MS = 3000; // time for the whole request head, however it trickles in
const MAX_CONNS = 20; // connections held at once
const MAX_HEAD = 8 * 1024; // bytes of a request head

const server = net.createServer((socket) => {
  const who = `${socket.remoteAddress}:${socket.remotePort}`;
  socket.on('error', (err) => console.log(`${who} failed: ${err.message}`));

  // The idle clock: every byte that arrives restarts it. It ends clients
  // that crashed, lost their network, or forgot to close.
  socket.setTimeout(IDLE_MS, () => {
    console.log(`${who} idle for ${IDLE_MS} ms, closing it`);
    socket.destroy();
  });

  // The header clock runs from the moment the connection opens, and bytes
  // do not restart it: a slowloris client sending a byte a second is never
  // idle, yet it cannot make its head take longer than HEADER_MS.
  const headerClock = setTimeout(() => {
    console.log(`${who} header not complete after ${HEADER_MS} ms, closing it`);
    socket.destroy();
  }, HEADER_MS);
  socket.on('close', () => clearTimeout(headerClock));

  let head = Buffer.alloc(0);
  socket.on('data', function collect(chunk) {
    head = Buffer.concat([head, chunk]);
    if (head.length > MAX_HEAD) return socket.destroy();
    if (!head.includes('\r\n\r\n')) return;
    clearTimeout(headerClock); // in time
    socket.off('data', collect);
    socket.resume(); // keep reading (and dropping) what else comes
    const body = Buffer.from('Hello! Your request arrived in time.\n');
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.end(body); // our FIN after the body
    console.log(`${who} asked ${show(head.subarray(0, head.indexOf('\r\n')))}`);
  });
});

// The limit: with MAX_CONNS open, Node closes each newcomer at once (the
// kernel already finished its handshake) and tells us with 'drop'. Each
// connection costs memory and a file descriptor; turning a few away is
// better than failing for everyone.
server.maxConnections = MAX_CONNS;
server.on('drop', (info) => console.log(`${info.remoteAddress}:${info.remotePort} refused: ${MAX_CONNS} connections open`));

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
