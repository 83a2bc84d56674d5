// Starter for the timeouts lesson: an HTTP server that guards itself with
// timeouts and a limit.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson timeouts --target localhost:3001
import net from 'node:net';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Close a connection that sends nothing for 5 seconds (the idle
    //       timeout).
    // TODO: Give a request's head 3 seconds in all, counted from the moment
    //       the connection opens, however slowly it trickles in (the header
    //       timeout); then answer 200 and close.
    // TODO: Hold at most 20 connections at once: close newcomers beyond
    //       that.
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
