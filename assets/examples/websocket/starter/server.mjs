// Starter for the websocket lesson: a hand-written WebSocket (RFC 6455),
// in Node. It runs and accepts connections; the lesson's work is yours
// (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson websocket --target localhost:3001
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000

const server = net.createServer((socket) => {
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));
  socket.on('data', (chunk) => {
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Read the request's head (up to "\r\n\r\n"). For GET / answer a
    //       small HTML page whose script opens new WebSocket('ws://' +
    //       location.host + '/ws').
    // TODO: For GET /ws with Upgrade: websocket, Connection: Upgrade and
    //       Sec-WebSocket-Version: 13, answer "HTTP/1.1 101 Switching
    //       Protocols" with Sec-WebSocket-Accept: base64(SHA-1(key + GUID)),
    //       GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11' (node:crypto's
    //       createHash('sha1')).
    // TODO: Then read frames: byte 0 is FIN and the opcode, byte 1 the MASK
    //       bit and a length (126: 16 bits follow, 127: 64 bits), then the
    //       4-byte key; XOR the payload with it. Refuse an unmasked frame or
    //       one over 64 KiB with a close frame (1002, 1009).
    // TODO: Echo each text frame (unmasked: servers never mask), send
    //       "tick N" every second with setInterval, and answer a close frame
    //       (opcode 8) with one that has the same code.
  });
});

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
