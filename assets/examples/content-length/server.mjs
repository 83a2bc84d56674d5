// The server of the content-length lesson, in Node: like the http-response
// server, but its body is Korean text, where characters and bytes are
// different counts.
//
//   PORT=3001 node server.mjs
//   curl -v http://localhost:3001/
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const MAX_HEAD = 8 * 1024; // the most we hold while waiting for a head

// "Hello, world!" in Korean: 7 characters, but 15 bytes in UTF-8. Each
// Hangul syllable takes 3 bytes (4 × 3 = 12), and ",", " " and "!" one
// each. Content-Length must say 15: a client reads exactly that many
// bytes after the blank line, and 7 would cut the text after "안녕,".
const BODY = Buffer.from('안녕, 세상!', 'utf8');

// The whole answer, byte for byte. Every line of the head ends in \r\n,
// the empty line ends the head, and the body follows with no newline.
// Content-Length is BODY.length: a Buffer's length counts bytes, which is
// exactly right. (The string's .length would count UTF-16 units: wrong.)
const RESPONSE = Buffer.concat([
  Buffer.from(
    'HTTP/1.1 200 OK\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${BODY.length}\r\n` +
      'Connection: close\r\n' +
      '\r\n',
  ),
  BODY,
]);

const server = net.createServer((socket) => {
  // A client that never finishes its request is dropped after 10 s.
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));

  // Whatever the request says, the answer is the same, but we wait for
  // its whole head (up to the empty line): TCP may deliver it in pieces.
  let head = Buffer.alloc(0);
  socket.on('data', function collect(chunk) {
    head = Buffer.concat([head, chunk]);
    if (head.includes('\r\n\r\n')) {
      console.log(`read a ${head.length}-byte request: ${show(head)}`);
      socket.off('data', collect);
      socket.resume(); // keep reading (and dropping) what else comes
      // end() writes the response, then sends our FIN. Node goes on
      // reading what the client still sends, so no unread bytes are left
      // to make the kernel reset the connection before it read ours.
      socket.end(RESPONSE);
    } else if (head.length > MAX_HEAD) {
      socket.destroy();
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
