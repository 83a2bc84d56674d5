// The server of the closing lesson, in Node: it reads until the client says
// it is done (end-of-file, the client's FIN), and only then answers with how
// many bytes and lines came, like wc. Then it closes politely.
//
//     PORT=3001 node server.mjs
//     printf 'one\ntwo\nthree\n' | nc -N localhost 3001
import net from 'node:net';

const PORT = Number(process.env.PORT || 3001); // tubes itself uses 3000
const IDLE = 60_000; // ms of silence allowed while the client sends

let ids = 0;

// allowHalfOpen: when the client's FIN comes, Node must not close our side
// for us; we still have an answer to write.
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  const id = ++ids;
  let total = 0;
  let lines = 0;
  socket.setTimeout(IDLE, () => socket.destroy());
  socket.on('data', (chunk) => {
    total += chunk.length;
    for (const b of chunk) if (b === 0x0a) lines++;
  });
  socket.on('end', () => {
    // The client's FIN: it sends no more, but it still reads.
    console.log(`#${id} answered after ${total} bytes, ${lines} lines`);
    socket.end(`${total} bytes, ${lines} lines\n`); // the answer, then our FIN
  });
  socket.on('error', (err) => console.log(`#${id} ${err.message}`));
});

server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));
