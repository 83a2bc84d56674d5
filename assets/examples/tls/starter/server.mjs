// Starter for the tls lesson: the hello server behind TLS, in Node.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//   PORT=3001 node server.mjs
//   tubes check --lesson tls --target localhost:3001
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000

// TODO: Make a self-signed certificate at start-up: Node cannot, so run
//       openssl once with child_process.execFileSync:
//         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
//           -days 30 -subj /CN=localhost -keyout key.pem -out cert.pem
//           -addext subjectAltName=DNS:localhost,DNS:secret.example,IP:127.0.0.1,IP:::1
// TODO: Use tls.createServer({ key, cert, ALPNProtocols: ['http/1.1'] }, ...)
//       from node:tls instead of net.createServer: the socket it gives you
//       reads and writes plain text, encrypted on the wire.
const server = net.createServer((socket) => {
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));
  socket.on('data', (chunk) => {
    // Without TLS these are the ClientHello's bytes: 16 03 01 ...
    console.log(`read ${chunk.length} bytes: ${show(chunk)}`);
    // TODO: Once the request's head has arrived ("\r\n\r\n"), write the
    //       hello response of the http-response lesson and end the socket.
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
