// The server of the tls lesson, in Node: the hello server behind TLS.
// Node's tls module does the handshake and the encryption; the HTTP
// inside is written by hand. Node cannot make a certificate by itself, so
// at start-up this runs openssl once to make a self-signed one (ECDSA
// P-256, for localhost, 127.0.0.1, ::1 and secret.example) in a
// temporary directory.
//
//   PORT=3001 node server.mjs
//   curl -vk https://localhost:3001/
import tls from 'node:tls';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const MAX_HEAD = 8 * 1024;
const BODY = Buffer.from('Hello, world! 🎉', 'utf8');
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

// selfSigned runs: openssl req -x509 -newkey ec -pkeyopt
// ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost
// -addext subjectAltName=... and returns the key and certificate (PEM).
function selfSigned() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubes-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-days', '30', '-subj', '/CN=localhost', '-keyout', key, '-out', cert,
      '-addext', 'subjectAltName=DNS:localhost,DNS:secret.example,IP:127.0.0.1,IP:::1',
    ], { stdio: 'pipe' });
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } catch (err) {
    console.error(`cannot make a certificate with openssl (is it installed?): ${err.message}`);
    process.exit(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const server = tls.createServer({ ...selfSigned(), ALPNProtocols: ['http/1.1'], minVersion: 'TLSv1.2' }, (socket) => {
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));
  console.log(`${socket.getProtocol()}, ${socket.getCipher().name}, SNI ${JSON.stringify(socket.servername)}, ALPN ${JSON.stringify(socket.alpnProtocol)}`);
  let head = Buffer.alloc(0);
  socket.on('data', function collect(chunk) {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end >= 0) {
      const line = head.subarray(0, head.indexOf('\r\n'));
      console.log(`decrypted request: ${JSON.stringify(line.toString('latin1'))}`);
      socket.off('data', collect);
      socket.resume();
      socket.end(RESPONSE); // close_notify, then our FIN
    } else if (head.length > MAX_HEAD) {
      socket.destroy();
    }
  });
});
server.on('tlsClientError', (err) => console.log(`TLS handshake failed: ${err.message}`));
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT} (TLS)`));
