// The server of the websocket lesson, in Node: a hand-written WebSocket
// (RFC 6455) with no library. GET / serves a page whose script connects
// to /ws; the upgrade's Sec-WebSocket-Accept is computed here; then the
// server echoes every message, sends "tick N" every second, and answers
// a close frame with one. Client frames must be masked and at most 64 KiB.
//
//   PORT=3001 node server.mjs
//   open http://localhost:3001/
import net from 'node:net';
import crypto from 'node:crypto';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // fixed by RFC 6455
const MAX_HEAD = 8 * 1024;
const MAX_PAYLOAD = 64 * 1024;

const PAGE = `<!doctype html><meta charset="utf-8"><title>WebSocket</title>
<p id="state">connecting…</p><form id="f"><input id="m" autofocus> <button>Send</button>
<button type="button" id="c">Close</button></form><pre id="log"></pre>
<script>
const ws = new WebSocket('ws://' + location.host + '/ws');
const log = (t) => { document.getElementById('log').textContent += t + '\\n'; };
ws.onopen = () => { document.getElementById('state').textContent = 'open'; ws.send('Hello from the browser!'); };
ws.onmessage = (e) => log('← ' + e.data);
ws.onclose = (e) => { document.getElementById('state').textContent = 'closed ' + e.code; };
document.getElementById('f').onsubmit = (e) => { e.preventDefault(); const m = document.getElementById('m'); ws.send(m.value); log('→ ' + m.value); m.value = ''; };
document.getElementById('c').onclick = () => ws.close(1000, 'bye');
</script>`;

function reply(socket, status, type, body) {
  const b = Buffer.from(body);
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: ${type}\r\nContent-Length: ${b.length}\r\nConnection: close\r\n\r\n` + body);
}

// frame is one unmasked frame from the server: FIN, the opcode, the length.
function frame(op, payload) {
  const n = payload.length;
  let head;
  if (n < 126) head = Buffer.from([0x80 | op, n]);
  else if (n <= 0xffff) head = Buffer.from([0x80 | op, 126, n >> 8, n & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | op;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

const server = net.createServer((socket) => {
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));
  let buf = Buffer.alloc(0);
  socket.on('data', function head(chunk) {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_HEAD) socket.destroy();
      return;
    }
    socket.off('data', head);
    const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
    const [method, target] = lines[0].split(' ');
    const h = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) h[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const has = (v, t) => (v || '').split(',').some((x) => x.trim().toLowerCase() === t);
    if (method === 'GET' && target === '/') return reply(socket, '200 OK', 'text/html; charset=utf-8', PAGE);
    if (target !== '/ws') return reply(socket, '404 Not Found', 'text/plain', 'not found\n');
    if (!has(h.upgrade, 'websocket') || !has(h.connection, 'upgrade') || h['sec-websocket-version'] !== '13')
      return reply(socket, '426 Upgrade Required', 'text/plain', 'this is a WebSocket, version 13\n');
    const key = h['sec-websocket-key'] || '';
    if (Buffer.from(key, 'base64').length !== 16) return reply(socket, '400 Bad Request', 'text/plain', 'bad key\n');
    const sha1 = crypto.createHash('sha1').update(key + GUID).digest();
    const accept = sha1.toString('base64');
    console.log(`key ${JSON.stringify(key)} + GUID -> SHA-1 ${sha1.toString('hex')} -> accept ${accept}`);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    upgraded(socket, buf.subarray(end + 4));
  });
});

function upgraded(socket, rest) {
  socket.setTimeout(60_000, () => closeWith(1001, 'idle'));
  let closed = false;
  let n = 0;
  const ticker = setInterval(() => send(0x1, Buffer.from(`tick ${++n}`)), 1000); // full duplex
  socket.on('close', () => clearInterval(ticker));
  function send(op, payload) {
    if (!closed) socket.write(frame(op, payload));
  }
  function closeWith(code, reason) {
    if (closed) return;
    const p = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);
    send(0x8, p);
    closed = true;
    clearInterval(ticker);
    socket.end(); // the server closes the TCP connection first
  }
  let buf = rest;
  let msg = [];
  let msgOp = 0;
  let msgLen = 0;
  function frames() {
    while (!closed && buf.length >= 2) {
      const fin = (buf[0] & 0x80) !== 0, rsv = buf[0] & 0x70, op = buf[0] & 0x0f;
      const masked = (buf[1] & 0x80) !== 0;
      let len = buf[1] & 0x7f, at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        len = big > BigInt(MAX_PAYLOAD) ? MAX_PAYLOAD + 1 : Number(big);
        at = 10;
      }
      if (rsv) return closeWith(1002, 'reserved bits set');
      if (!masked) return closeWith(1002, "a client's frames must be masked");
      if ((op > 0x2 && op < 0x8) || op > 0xa) return closeWith(1002, 'unknown opcode');
      if (op >= 0x8 && (!fin || len > 125)) return closeWith(1002, 'bad control frame');
      if (len > MAX_PAYLOAD || msgLen + len > MAX_PAYLOAD) return closeWith(1009, 'too big');
      if (buf.length < at + 4 + len) return; // wait for the rest
      const key = buf.subarray(at, at + 4);
      const p = Buffer.from(buf.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < p.length; i++) p[i] ^= key[i % 4]; // unmask
      buf = buf.subarray(at + 4 + len);
      console.log(`frame: FIN ${fin}, opcode ${op}, MASK ${masked}, length ${len}`);
      if (op === 0x9) { send(0xa, p); continue; }
      if (op === 0xa) continue;
      if (op === 0x8) {
        const code = p.length >= 2 ? p.readUInt16BE(0) : 1000;
        console.log(`the client closes with ${code}`);
        return closeWith(code, '');
      }
      if (op === 0x0 && !msgOp) return closeWith(1002, 'nothing to continue');
      if (op !== 0x0) {
        if (msgOp) return closeWith(1002, 'expected a continuation');
        msgOp = op;
      }
      msg.push(p);
      msgLen += p.length;
      if (!fin) continue;
      const whole = Buffer.concat(msg);
      if (msgOp === 0x1) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(whole);
        } catch {
          return closeWith(1007, 'not UTF-8');
        }
      }
      console.log(`message: ${JSON.stringify(whole.toString('latin1'))}`);
      send(msgOp, whole); // the echo
      msg = [];
      msgOp = 0;
      msgLen = 0;
    }
  }
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    frames();
  });
  frames();
}

server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));
