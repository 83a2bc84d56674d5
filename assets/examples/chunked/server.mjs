// The server of the chunked lesson, in Node: a GET is answered with a body
// sent in chunks, one every 300 ms, each with its size in hex in front; a
// request whose body comes chunked is decoded and its body sent back.
// (Node's http module would do the chunking for us; here it is by hand.)
//
//     PORT=3001 node server.mjs
//     curl -N http://localhost:3001/
//     curl --raw http://localhost:3001/
//     curl -H 'Transfer-Encoding: chunked' --data-binary 'Hello, chunked world!' http://localhost:3001/
import net from 'node:net';

const PORT = Number(process.env.PORT || 3001); // tubes itself uses 3000
const IDLE = 10_000; // ms of silence allowed
const PAUSE = 300; // ms between two chunks of the answer
const MAX_HEAD = 8 * 1024;
const MAX_BODY = 1024 * 1024;
const LINES = ['one\n', 'two\n', 'three\n', 'four\n', 'five, and that is all\n'];
const REASONS = { 400: 'Bad Request', 413: 'Content Too Large', 431: 'Request Header Fields Too Large', 501: 'Not Implemented' };
// Only hex digits: no sign, no spaces, no 0x, at most 16 of them.
const HEX = /^[0-9a-fA-F]{1,16}$/;
const CRLF = Buffer.from('\r\n');

class Refusal extends Error {
  constructor(status, why) {
    super(why);
    this.status = status;
  }
}

// parse looks for one whole request at the start of buf: null while more
// bytes are needed, else { method, body, chunks }.
function parse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) {
    if (buf.length > MAX_HEAD) throw new Refusal(431, 'the request head is too long');
    return null;
  }
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const parts = lines[0].split(' ');
  if (parts.length !== 3) throw new Refusal(400, 'a request line is METHOD TARGET VERSION');
  let length = null;
  let chunked = false;
  let hosts = 0;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Refusal(400, 'a header line is Name: value');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'host') hosts++;
    if (name === 'content-length') {
      if (!/^[0-9]+$/.test(value) || length !== null) throw new Refusal(400, 'one Content-Length, a number');
      length = Number(value);
      if (length > MAX_BODY) throw new Refusal(413, 'the body is larger than 1 MiB');
    }
    if (name === 'transfer-encoding') {
      if (value.toLowerCase() !== 'chunked' || chunked) throw new Refusal(501, 'the only Transfer-Encoding read here is chunked');
      chunked = true;
    }
  }
  if (hosts !== 1 && parts[2] === 'HTTP/1.1') throw new Refusal(400, 'an HTTP/1.1 request needs exactly one Host header');
  // Two answers to "where does the body end?": refuse them both.
  if (chunked && length !== null) throw new Refusal(400, 'Content-Length and Transfer-Encoding together');
  const start = end + 4;
  if (chunked) {
    const got = parseChunked(buf, start);
    return got && { method: parts[0], body: got.body, chunks: got.chunks };
  }
  if (length === null) return { method: parts[0], body: null, chunks: 0 };
  if (buf.length < start + length) return null;
  return { method: parts[0], body: buf.subarray(start, start + length), chunks: 0 };
}

// parseChunked decodes size in hex (and maybe ;extensions) CRLF, that many
// bytes, CRLF, up to a chunk of size 0, then trailer lines up to an empty
// line; null while more bytes are needed.
function parseChunked(buf, pos) {
  const pieces = [];
  let total = 0;
  for (let chunks = 1; ; chunks++) {
    const eol = buf.indexOf(CRLF, pos);
    if (eol === -1) {
      if (buf.length - pos > 4096) throw new Refusal(400, 'a chunk size line is too long');
      return null;
    }
    const sizeText = buf.subarray(pos, eol).toString('latin1').split(';')[0]; // extensions: ignored
    if (!HEX.test(sizeText)) throw new Refusal(400, 'a chunk starts with its size in hex');
    const size = parseInt(sizeText, 16);
    total += size;
    if (total > MAX_BODY) throw new Refusal(413, 'the body is larger than 1 MiB');
    pos = eol + 2;
    if (size === 0) {
      for (;;) { // trailers, up to the empty line
        const t = buf.indexOf(CRLF, pos);
        if (t === -1) {
          if (buf.length - pos > MAX_HEAD) throw new Refusal(431, 'the trailers are too long');
          return null;
        }
        const empty = t === pos;
        pos = t + 2;
        if (empty) return { body: Buffer.concat(pieces), chunks };
      }
    }
    if (buf.length < pos + size + 2) return null;
    if (!buf.subarray(pos + size, pos + size + 2).equals(CRLF)) {
      throw new Refusal(400, "a chunk's bytes end with \\r\\n, right after its size");
    }
    pieces.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

function answer(socket, req) {
  if (req.body !== null || req.method === 'POST') {
    const body = req.body || Buffer.alloc(0);
    let text = `You sent ${body.length} bytes`;
    if (req.chunks) text += ` in ${req.chunks} chunks (the last one of size 0)`;
    // JSON.stringify escapes control bytes: the body came from the network.
    text = Buffer.from(`${text}:\n${JSON.stringify(body.toString('utf8'))}\n`);
    socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${text.length}\r\nConnection: close\r\n\r\n`), text]));
    return;
  }
  // The length is not known up front: send the body in chunks.
  socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
  let i = 0;
  const next = () => {
    if (socket.destroyed) return;
    if (i === LINES.length) {
      socket.end('0\r\n\r\n'); // the 0 chunk ends the body
      return;
    }
    const line = Buffer.from(LINES[i++]);
    socket.write(`${line.length.toString(16)}\r\n${line}\r\n`); // size in hex, CRLF, bytes, CRLF
    setTimeout(next, PAUSE);
  };
  setTimeout(next, PAUSE);
}

const server = net.createServer((socket) => {
  let buf = Buffer.alloc(0);
  let done = false;
  socket.setTimeout(IDLE, () => socket.destroy());
  socket.on('data', (data) => {
    if (done) return; // after the request: read and drop, so the close is a FIN
    buf = Buffer.concat([buf, data]);
    try {
      const req = parse(buf);
      if (req) {
        done = true;
        answer(socket, req);
      }
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      done = true;
      const text = err.message + '\n';
      socket.end(`HTTP/1.1 ${err.status} ${REASONS[err.status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    }
  });
  socket.on('error', (err) => console.log('connection failed:', err.message));
});

server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}`));
