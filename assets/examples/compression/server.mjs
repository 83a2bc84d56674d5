// The server of the compression lesson, in Node, with no HTTP library: it
// answers with a text of 32 lines, gzip-compressed when the request's
// Accept-Encoding allows gzip, as it is otherwise, and always with
// Vary: Accept-Encoding.
//
//   PORT=3001 node server.mjs
//   curl -v --compressed http://localhost:3001/
//   curl -v -H 'Accept-Encoding: gzip;q=0, identity' http://localhost:3001/
import net from 'node:net';
import zlib from 'node:zlib';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;
const MAX_HEAD = 8 * 1024; // bytes of request line and headers
const IDLE = 10_000; // ms a client has to send its request

// The text repeats itself, as HTML, JSON and logs do: gzip makes it small.
let TEXT = '';
for (let i = 1; i <= 32; i++) {
  TEXT += `Line ${String(i).padStart(2, '0')} of 32: text repeats itself, and gzip sends each repeat as a short pointer back.\n`;
}
const PLAIN = Buffer.from(TEXT);
const REASONS = { 200: 'OK', 400: 'Bad Request', 405: 'Method Not Allowed' };

const server = net.createServer((socket) => {
  let head = Buffer.alloc(0);
  let done = false;
  socket.setTimeout(IDLE, () => socket.destroy());
  socket.on('data', (chunk) => {
    if (done) return; // one request per connection
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0 && head.length <= MAX_HEAD) return; // the head is not all here yet
    done = true;
    const req = end < 0 ? null : parseHead(head.subarray(0, end).toString('latin1'));
    if (!req) {
      respond(socket, 'GET', 400, [], Buffer.from('a request is METHOD TARGET HTTP/1.1, header lines, one Host\n'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      respond(socket, req.method, 405, [['Allow', 'GET, HEAD']], Buffer.from('405: only GET and HEAD here\n'));
      return;
    }
    const asked = req.headers['accept-encoding'];
    const headers = [['Vary', 'Accept-Encoding']];
    let body = PLAIN;
    if (asked !== undefined && acceptsGzip(asked)) {
      body = zlib.gzipSync(PLAIN);
      headers.push(['Content-Encoding', 'gzip']);
    }
    console.log(`Accept-Encoding ${show(asked ?? '(none)')} → ${body.length} of ${PLAIN.length} bytes`);
    respond(socket, req.method, 200, headers, body);
  });
  socket.on('error', (err) => console.log('connection failed:', err.message));
});

// acceptsGzip reads an Accept-Encoding list like "br;q=1.0, gzip;q=0.8":
// gzip is sent when it (or *) has a weight above 0, no lower than that of
// identity when identity (or *) is weighed at all.
function acceptsGzip(list) {
  const weights = new Map();
  for (const entry of list.split(',')) {
    const [rawName, ...params] = entry.split(';');
    const name = rawName.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k.trim().toLowerCase() === 'q') q = /^\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$/.test(v ?? '') ? Number(v) : NaN;
    }
    if (name && !Number.isNaN(q) && !weights.has(name)) weights.set(name, q);
  }
  const weight = (name) => weights.get(name) ?? weights.get('*') ?? 0;
  const gzip = Math.max(weight('gzip'), weights.get('x-gzip') ?? 0);
  return gzip > 0 && gzip >= weight('identity');
}

// parseHead reads the request line and headers (names in lower case), or null.
function parseHead(text) {
  const lines = text.split('\r\n');
  const parts = lines[0].split(' ');
  if (parts.length !== 3 || !parts[2].startsWith('HTTP/1.')) return null;
  const headers = {};
  let hosts = 0;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /[ \t]/.test(line.slice(0, colon))) return null;
    const name = line.slice(0, colon).toLowerCase();
    if (name === 'host') hosts++;
    headers[name] = line.slice(colon + 1).trim();
  }
  if (hosts !== 1 && parts[2] === 'HTTP/1.1') return null;
  return { method: parts[0], target: parts[1], headers };
}

// respond writes one response, with its length, and closes.
function respond(socket, method, status, headers, body) {
  let head = `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  socket.end(method === 'HEAD' ? Buffer.from(head) : Buffer.concat([Buffer.from(head), body]));
}

// show turns text from the network into safe text for the terminal.
function show(text) {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0);
    out += c >= 0x20 && c < 0x7f ? ch : '\\x' + c.toString(16).padStart(2, '0');
  }
  return out;
}

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));
