// Starter for the byte-stream lesson: a server that frames the byte stream
// by newlines.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson byte-stream --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Reads split the stream anywhere: keep the bytes until a "\n"
    //       arrives, and keep what follows it for the next line.
    // TODO: Answer each whole line with "line N: <text>\n", N counting the
    //       lines on this connection (drop a "\r" before the "\n").
    // TODO: Do not let one endless line eat your memory: once 1024 bytes
    //       wait without a "\n", answer an error line and close.
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
