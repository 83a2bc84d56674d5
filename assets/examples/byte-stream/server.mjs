// The framing server of the byte-stream lesson, in Node. TCP is one stream
// of bytes, and reads split it anywhere. So this server collects bytes up
// to each newline and answers every whole line with "line N: <text>\n".
//
//   PORT=3001 node server.mjs
//   printf 'first li' | nc -N localhost 3001      (no newline: no answer)
//   printf 'one\ntwo\n' | nc -N localhost 3001    (two answers)
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const MAX_LINE = 1024; // longest line we accept, newline included
const IDLE_MS = 60_000;

const server = net.createServer((socket) => {
  socket.setTimeout(IDLE_MS);
  socket.on('timeout', () => socket.end());
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));

  // The bytes of a line not finished yet. We keep Buffers, not strings:
  // a read may even split a character's UTF-8 bytes in two.
  let pending = Buffer.alloc(0);
  let lines = 0;

  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    // Answer every whole line in what we have; keep the rest for later.
    let nl;
    while ((nl = pending.indexOf(0x0a)) !== -1) {
      let line = pending.subarray(0, nl);
      pending = pending.subarray(nl + 1);
      if (line.at(-1) === 0x0d) line = line.subarray(0, -1); // nc -C sends \r\n
      lines++;
      console.log(`line ${lines}: ${show(line)}`);
      socket.write(Buffer.concat([Buffer.from(`line ${lines}: `), line, Buffer.from('\n')]));
    }
    // A client that never sends a newline must not make us hold more.
    if (pending.length >= MAX_LINE) {
      socket.end(`error: a line longer than ${MAX_LINE} bytes\n`);
      socket.removeAllListeners('data');
    }
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
