// The server of the routing lesson, in Node, with no HTTP library. A
// router picks the code that answers by the method and the path:
//
//   GET  /       a welcome text
//   GET  /time   the current time (RFC 3339, UTC)
//   POST /echo   your body, sent back
//
//   PORT=3001 node server.mjs
//   curl -v http://localhost:3001/time
//   curl -v -X DELETE http://localhost:3001/time     (405, Allow: GET, HEAD)
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000

// Limits: without them, one client could make us hold any amount of memory.
const MAX_HEAD = 8 * 1024; // bytes of request line and headers
const MAX_BODY = 1024 * 1024; // body bytes (1 MiB)

const REASONS = {
  200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
  413: 'Content Too Large', 431: 'Request Header Fields Too Large', 501: 'Not Implemented',
};

// A token is what a method or a header name may be made of.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const TEXT = 'text/plain; charset=utf-8';

// route picks the answer: [status, headers, body]. HEAD is answered like
// GET, and respond() leaves its body out.
function route(req) {
  const path = req.target.split('?')[0]; // the query does not pick the route
  const get = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/' && get) {
    return [200, { 'Content-Type': TEXT }, 'Welcome to the router!\nTry GET /time, or POST something to /echo.\n'];
  }
  if (path === '/time' && get) {
    // toISOString is RFC 3339 in UTC; we drop the milliseconds.
    return [200, { 'Content-Type': TEXT }, new Date().toISOString().replace(/\.\d+Z$/, 'Z') + '\n'];
  }
  if (path === '/echo' && req.method === 'POST') {
    // The body goes back as it came, so it keeps the type it had.
    return [200, { 'Content-Type': req.header('content-type') || 'application/octet-stream' }, req.body];
  }
  // A known path with the wrong method: 405, and Allow says what works.
  const allow = { '/': 'GET, HEAD', '/time': 'GET, HEAD', '/echo': 'POST' }[path];
  if (allow) {
    return [405, { Allow: allow, 'Content-Type': TEXT }, `405: ${path} answers ${allow}, not ${show(req.method)}\n`];
  }
  // The status is for programs; the body tells a person what was missing.
  return [404, { 'Content-Type': TEXT }, `404: there is no route for ${show(req.method)} ${show(path)}\n`];
}

const server = net.createServer((socket) => {
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));

  // TCP hands us the request in pieces of any size: collect them until
  // parseRequest finds a whole request.
  let pending = Buffer.alloc(0);
  socket.on('data', function collect(chunk) {
    pending = Buffer.concat([pending, chunk]);
    const result = parseRequest(pending);
    if (result === null) return; // not all here yet
    socket.off('data', collect);
    socket.resume(); // keep reading (and dropping) whatever else comes
    if (result.error) {
      const [status, why] = result.error;
      respond(socket, 'GET', status, { 'Content-Type': TEXT }, why + '\n');
      return;
    }
    const req = result.request;
    const [status, headers, body] = route(req);
    console.log(`${show(req.method)} ${show(req.target)} -> ${status}`);
    respond(socket, req.method, status, headers, body);
  });
});

// respond writes a whole response and closes our side, as every answer of
// this server does. Content-Length counts the body's bytes.
function respond(socket, method, status, headers, body) {
  const bytes = Buffer.from(body); // a string becomes its UTF-8 bytes
  let head = `HTTP/1.1 ${status} ${REASONS[status]}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  socket.write(head, 'latin1'); // one byte per character, as they came
  // end() sends our FIN after the body; Node goes on reading what the
  // client still sends, so no unread bytes make the kernel send a reset.
  socket.end(method === 'HEAD' ? undefined : bytes);
}

// parseRequest looks for one whole request at the start of buf. It returns
// null while more bytes are needed, { error: [status, why] } for a request
// that breaks the rules, or { request, size }, size being how many bytes of
// buf the request took (what follows belongs to the next request).
function parseRequest(buf) {
  const end = buf.indexOf('\r\n\r\n'); // the empty line ends the head
  if (end === -1 || end > MAX_HEAD) {
    return buf.length > MAX_HEAD ? { error: [431, 'the request head is too long'] } : null;
  }
  // latin1 maps each byte to one character, so no byte is lost or changed.
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');

  // The request line: METHOD TARGET VERSION, split on single spaces.
  const parts = lines[0].split(' ');
  if (parts.length !== 3 || !TOKEN.test(parts[0]) || parts[1] === '') {
    return { error: [400, 'a request line is METHOD TARGET VERSION'] };
  }
  const [method, target, version] = parts;
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') {
    return { error: [400, 'the version must be HTTP/1.1 or HTTP/1.0'] };
  }

  // Header lines, "Name: value". Names ignore case.
  const headers = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 1 || !TOKEN.test(line.slice(0, colon)) || /[\r\n]/.test(line)) {
      return { error: [400, 'a header line is Name: value, ending in \\r\\n'] };
    }
    headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  const values = (name) => headers.filter(([n]) => n === name).map(([, v]) => v);
  const header = (name) => values(name).join(', ');

  // HTTP/1.1 requires exactly one Host: one server may host many sites.
  const hosts = values('host');
  if (hosts.length > 1 || (hosts.length === 0 && version === 'HTTP/1.1')) {
    return { error: [400, 'an HTTP/1.1 request needs exactly one Host header'] };
  }
  const request = { method, target, version, header };

  // The body ends one of two ways: after Content-Length bytes, or, with
  // Transfer-Encoding: chunked, after a chunk of size 0. Never both.
  const start = end + 4;
  const lengths = values('content-length');
  if (values('transfer-encoding').length > 0) {
    if (lengths.length > 0) return { error: [400, 'Content-Length and Transfer-Encoding together'] };
    if (header('transfer-encoding').toLowerCase() !== 'chunked') {
      return { error: [501, 'the only Transfer-Encoding read here is chunked'] };
    }
    const chunked = readChunked(buf, start);
    if (chunked === null || chunked.error) return chunked;
    request.body = chunked.body;
    return { request, size: chunked.end };
  }
  if (lengths.length > 1 || (lengths.length === 1 && !/^[0-9]+$/.test(lengths[0]))) {
    return { error: [400, 'one Content-Length, a number'] };
  }
  const size = lengths.length ? Number(lengths[0]) : 0;
  if (size > MAX_BODY) return { error: [413, 'the body is larger than 1 MiB'] };
  if (buf.length < start + size) return null; // the body is still coming
  request.body = buf.subarray(start, start + size);
  return { request, size: start + size };
}

// readChunked reads a chunked body from buf at pos: chunks of "size in
// hex\r\n", that many bytes and "\r\n", up to a chunk of size 0, then
// trailer lines up to an empty line. It returns null while more bytes are
// needed, { error }, or { body, end }.
function readChunked(buf, pos) {
  const chunks = [];
  let total = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol === -1) return buf.length - pos > 1024 ? { error: [400, 'a chunk size line is too long'] } : null;
    const hex = buf.subarray(pos, eol).toString('latin1').split(';')[0].trim(); // drop extensions
    if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) return { error: [400, 'a chunk starts with its size in hex'] };
    const size = parseInt(hex, 16);
    total += size;
    if (total > MAX_BODY) return { error: [413, 'the body is larger than 1 MiB'] };
    pos = eol + 2;
    if (size === 0) break;
    if (buf.length < pos + size + 2) return null;
    if (buf[pos + size] !== 0x0d || buf[pos + size + 1] !== 0x0a) {
      return { error: [400, "a chunk's bytes end with \\r\\n"] };
    }
    chunks.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol === -1) return buf.length - pos > MAX_HEAD ? { error: [431, 'the trailers are too long'] } : null;
    const empty = eol === pos;
    pos = eol + 2;
    if (empty) return { body: Buffer.concat(chunks), end: pos };
  }
}

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));

// show turns text or bytes from the network into safe text: printable
// ASCII stays, every other byte becomes \xNN. (Strings here are latin1,
// one character per byte.)
function show(data) {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let out = '';
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  }
  return out;
}
