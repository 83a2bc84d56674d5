// The server of the files lesson, in Node, with no HTTP library: it serves
// the files of public/ (next to this file), each with the Content-Type of
// its name, Last-Modified and 304 Not Modified, and refuses every path
// that climbs out of the folder.
//
//   PORT=3001 node server.mjs
//   curl -v http://localhost:3001/tubes.png -o /dev/null
//   curl -v --path-as-is http://localhost:3001/../../etc/passwd     (403)
import net from 'node:net';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// $PORT picks the port; 3001 by default (tubes itself uses 3000).
const PORT = Number(process.env.PORT) || 3001;
const FOLDER = process.env.FILES_DIR || fileURLToPath(new URL('./public/', import.meta.url));
const MAX_HEAD = 8 * 1024; // bytes of request line and headers
const IDLE = 10_000; // ms a client has to send its request

// The ending of a name is all a file server goes by.
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
};
const REASONS = { 200: 'OK', 304: 'Not Modified', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

const server = net.createServer((socket) => {
  let head = Buffer.alloc(0);
  let done = false;
  socket.setTimeout(IDLE, () => socket.destroy());
  socket.on('data', async (chunk) => {
    if (done) return; // one request per connection
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0 && head.length <= MAX_HEAD) return; // the head is not all here yet
    done = true;
    const req = end < 0 ? null : parseHead(head.subarray(0, end).toString('latin1'));
    if (!req) {
      respond(socket, 'GET', 400, [], Buffer.from('a request is METHOD /TARGET HTTP/1.1, header lines, one Host\n'));
      return;
    }
    const [status, headers, body] = await serve(req);
    console.log(`${show(req.method)} ${show(req.target)} → ${status}`);
    respond(socket, req.method, status, headers, body);
  });
  socket.on('error', (err) => console.log('connection failed:', err.message));
});

// parseHead reads the request line and headers (names in lower case), or null.
function parseHead(text) {
  const lines = text.split('\r\n');
  const parts = lines[0].split(' ');
  if (parts.length !== 3 || !parts[1].startsWith('/') || !parts[2].startsWith('HTTP/1.')) return null;
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

// serve answers one request from the folder: [status, headers, body].
async function serve(req) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return [405, [['Allow', 'GET, HEAD']], Buffer.from('405: only GET and HEAD here\n')];
  }
  const raw = req.target.split('?')[0];
  let name;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = null; // a % without two hex digits
  }
  // Refuse before opening anything: .. (also as %2e%2e or ..%2f once
  // decoded), backslashes (a separator on Windows), NUL bytes.
  if (name === null || /[\\\0]/.test(name) || name.split('/').includes('..')) {
    const cleaned = path.posix.normalize('/' + (name ?? raw).replaceAll('\\', '/'));
    const body = `403 Forbidden: only files inside the folder.\nraw target:   ${show(req.target)}\ncleaned path: ${show(cleaned)}\n`;
    return [403, [], Buffer.from(body)];
  }
  const rel = path.posix.normalize('/' + name).slice(1) || 'index.html';
  const file = path.join(FOLDER, rel);
  // A last guard: the joined path must still be inside the folder.
  if (!file.startsWith(path.resolve(FOLDER) + path.sep)) return [403, [], Buffer.from('403 Forbidden\n')];
  let info, body;
  try {
    info = await fs.stat(file);
    if (!info.isFile()) throw new Error('not a file');
    body = await fs.readFile(file);
  } catch {
    return [404, [], Buffer.from(`404: no file ${show('/' + rel)} in the folder\n`)];
  }
  // HTTP dates have whole seconds: compare at that precision.
  const modified = Math.floor(info.mtimeMs / 1000) * 1000;
  const lastModified = ['Last-Modified', new Date(modified).toUTCString()];
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  if (!Number.isNaN(since) && modified <= since) return [304, [lastModified], null];
  const type = TYPES[path.extname(rel)] ?? 'application/octet-stream';
  return [200, [['Content-Type', type], lastModified], body];
}

// respond writes one response and closes. HEAD gets GET's head and no body;
// a 304 has no body and no length.
function respond(socket, method, status, headers, body) {
  let head = `HTTP/1.1 ${status} ${REASONS[status]}\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  if (status !== 304) {
    if (!headers.some(([k]) => k === 'Content-Type')) head += 'Content-Type: text/plain; charset=utf-8\r\n';
    head += `Content-Length: ${body.length}\r\n`;
  }
  head += 'Connection: close\r\n\r\n';
  socket.end(method === 'HEAD' || !body ? Buffer.from(head) : Buffer.concat([Buffer.from(head), body]));
}

// show turns bytes from the network into safe text for the terminal:
// printable ASCII as it is, every other character as \xNN or \u{...}.
function show(text) {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0);
    out += c >= 0x20 && c < 0x7f ? ch : c < 0x100 ? '\\x' + c.toString(16).padStart(2, '0') : `\\u{${c.toString(16)}}`;
  }
  return out;
}

// 127.0.0.1 is localhost: only programs on this machine can connect.
server.listen(PORT, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${PORT}, serving ${FOLDER}`));
