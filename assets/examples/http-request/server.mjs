// The server of the http-request lesson, in Node: it reads a whole HTTP
// request by the rules, with no HTTP library, and answers with a page
// describing what it found. A request that breaks the rules gets a 4xx.
//
//   PORT=3001 node server.mjs
//   curl -v 'http://localhost:3001/hello?lang=en'
//   curl -v -d 'name=tubes&lesson=7' http://localhost:3001/form
import net from 'node:net';

const PORT = Number(process.env.PORT) || 3001; // tubes itself uses 3000

// Limits: without them, one client could make us hold any amount of memory.
const MAX_HEAD = 8 * 1024; // bytes of request line and headers
const MAX_BODY = 1024 * 1024; // body bytes (1 MiB)

const REASONS = { 200: 'OK', 400: 'Bad Request', 413: 'Content Too Large', 431: 'Request Header Fields Too Large', 501: 'Not Implemented', 505: 'HTTP Version Not Supported' };

// A token is what a method or a header name may be made of.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const server = net.createServer((socket) => {
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', (err) => console.log(`connection failed: ${err.message}`));

  // TCP hands us the request in pieces of any size: collect them until
  // parseRequest finds a whole request.
  let pending = Buffer.alloc(0);
  socket.on('data', function collect(chunk) {
    pending = Buffer.concat([pending, chunk]);
    const result = parseRequest(pending);
    if (result === null) return; // not all here yet: wait for more bytes
    socket.off('data', collect);
    socket.resume(); // keep reading (and dropping) whatever else comes
    if (result.error) {
      const [status, why] = result.error;
      console.log(`refused: ${status}, ${why}`);
      respond(socket, status, why + '\n');
    } else {
      const req = result.request;
      console.log(`${show(req.method)} ${show(req.target)} ${req.version}, ${req.headers.length} headers, ${req.body.length} body bytes`);
      respond(socket, 200, describe(req));
    }
  });
});

// parseRequest looks for one whole request at the start of buf. It returns
// null while more bytes are needed, { error: [status, why] } for a request
// that breaks the rules, or { request }.
function parseRequest(buf) {
  const end = buf.indexOf('\r\n\r\n'); // the empty line ends the head
  if (end === -1 || end > MAX_HEAD) {
    return buf.length > MAX_HEAD ? { error: [431, 'the request head is too long'] } : null;
  }
  // latin1 maps each byte to one character, so no byte is lost or changed.
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');

  // 1. The request line: METHOD TARGET VERSION, split on single spaces,
  // so that two spaces in a row leave an empty part and fail the check.
  const parts = lines[0].split(' ');
  if (parts.length !== 3 || !TOKEN.test(parts[0]) || parts[1] === '') {
    return { error: [400, 'a request line is METHOD TARGET VERSION'] };
  }
  const [method, target, version] = parts;
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') {
    // HTTP/2.0 is a version, just not ours: 505. Anything else: 400.
    if (/^HTTP\/[0-9]\.[0-9]$/.test(version)) {
      return { error: [505, `this server speaks HTTP/1.1 and HTTP/1.0, not ${version}`] };
    }
    return { error: [400, 'the version must be HTTP/1.1 or HTTP/1.0'] };
  }

  // 2. Header lines, "Name: value". Names ignore case.
  const headers = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 1 || !TOKEN.test(line.slice(0, colon)) || /[\r\n]/.test(line)) {
      return { error: [400, 'a header line is Name: value, ending in \\r\\n'] };
    }
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  const values = (name) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

  // HTTP/1.1 requires exactly one Host: one server may host many sites.
  const hosts = values('host');
  if (hosts.length > 1 || (hosts.length === 0 && version === 'HTTP/1.1')) {
    return { error: [400, 'an HTTP/1.1 request needs exactly one Host header'] };
  }
  if (values('transfer-encoding').length > 0) {
    return { error: [501, 'chunked bodies are not supported here'] };
  }

  // 3. The body: exactly Content-Length bytes, or none at all.
  const lengths = values('content-length');
  if (lengths.length > 1 || (lengths.length === 1 && !/^[0-9]+$/.test(lengths[0]))) {
    return { error: [400, 'one Content-Length, a number'] };
  }
  const size = lengths.length ? Number(lengths[0]) : 0;
  if (size > MAX_BODY) return { error: [413, 'the body is larger than 1 MiB'] };
  const start = end + 4;
  if (buf.length < start + size) return null; // the body is still coming
  return { request: { method, target, version, headers, body: buf.subarray(start, start + size) } };
}

// describe is the page we send back. Everything in it came from the
// network, so it goes through show() first.
function describe(req) {
  let page = `You sent a ${show(req.method)} request for ${show(req.target)} using ${req.version}.\n\n`;
  page += `Headers (${req.headers.length}):\n`;
  for (const [name, value] of req.headers) page += `  ${show(name)}: ${show(value)}\n`;
  page += `\nBody: ${req.body.length} bytes\n`;
  if (req.body.length > 0) page += show(req.body) + '\n';
  return page;
}

// respond writes a whole response and closes our side. Content-Length
// counts bytes, so we measure the body as a UTF-8 Buffer.
function respond(socket, status, text) {
  const body = Buffer.from(text, 'utf8');
  socket.write(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${body.length}\r\n` +
      'Connection: close\r\n' +
      '\r\n',
  );
  // end() sends our FIN after the body; Node goes on reading what the
  // client still sends, so no unread bytes make the kernel send a reset.
  socket.end(body);
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
