"""The server of the routing lesson, in Python, with no HTTP library. A
router picks the code that answers by the method and the path:

    GET  /       a welcome text
    GET  /time   the current time (RFC 3339, UTC)
    POST /echo   your body, sent back

    PORT=3001 python3 server.py
    curl -v http://localhost:3001/time
    curl -v -X DELETE http://localhost:3001/time     (405, Allow: GET, HEAD)
"""
import os
import re
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000

# Limits: without them, one client could make us hold any amount of memory.
MAX_HEAD = 8 * 1024  # bytes of request line and headers
MAX_BODY = 1024 * 1024  # body bytes (1 MiB)

REASONS = {200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
           413: 'Content Too Large', 431: 'Request Header Fields Too Large', 501: 'Not Implemented'}

# A token is what a method or a header name may be made of.
TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
DIGITS = re.compile(r'[0-9]+')
HEX = re.compile(rb'[0-9a-fA-F]{1,8}')

TEXT = 'text/plain; charset=utf-8'

# The methods each known path answers, for the Allow header of a 405.
ALLOW = {'/': 'GET, HEAD', '/time': 'GET, HEAD', '/echo': 'POST'}


def route(req):
    """Pick the answer: (status, headers, body). HEAD is answered like GET,
    and respond() leaves its body out."""
    path = req.target.split('?')[0]  # the query does not pick the route
    get = req.method in ('GET', 'HEAD')
    if path == '/' and get:
        return 200, [('Content-Type', TEXT)], b'Welcome to the router!\nTry GET /time, or POST something to /echo.\n'
    if path == '/time' and get:
        now = datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        return 200, [('Content-Type', TEXT)], (now + '\n').encode()
    if path == '/echo' and req.method == 'POST':
        # The body goes back as it came, so it keeps the type it had.
        return 200, [('Content-Type', req.header('content-type') or 'application/octet-stream')], req.body
    if path in ALLOW:
        # A known path with the wrong method: 405, and Allow says what works.
        body = f'405: {path} answers {ALLOW[path]}, not {shown(req.method)}\n'
        return 405, [('Allow', ALLOW[path]), ('Content-Type', TEXT)], body.encode()
    # The status is for programs; the body tells a person what was missing.
    body = f'404: there is no route for {shown(req.method)} {shown(path)}\n'
    return 404, [('Content-Type', TEXT)], body.encode()


def handle(conn):
    conn.settimeout(10.0)  # a client gets 10 s of silence at most
    try:
        parsed = read_request(conn, b'')
        if parsed is not None:
            req, _ = parsed
            status, headers, body = route(req)
            print(f'{req.method!r} {req.target!r} -> {status}', flush=True)
            respond(conn, status, headers, b'' if req.method == 'HEAD' else body, len(body))
    except Refusal as no:
        respond(conn, no.status, [('Content-Type', TEXT)], (no.why + '\n').encode(), len(no.why) + 1)
    except OSError as err:  # timed out, or the connection failed
        print(f'gave up reading: {err}', flush=True)
    close_politely(conn)


def respond(conn, status, headers, body, length):
    """Write a whole response; every answer of this server closes the
    connection. length is what Content-Length says: the body's bytes (for
    HEAD, those of the body a GET would get)."""
    head = f'HTTP/1.1 {status} {REASONS[status]}\r\n'
    for name, value in headers:
        head += f'{name}: {value}\r\n'
    head += f'Content-Length: {length}\r\nConnection: close\r\n\r\n'
    try:
        conn.sendall(head.encode('latin-1') + body)  # latin-1: one byte per character, as they came
    except OSError:
        pass


def shown(text):
    """Text from the network, made safe to show: printable ASCII as it is,
    every other byte escaped (repr without its quotes)."""
    return repr(text.encode('latin-1'))[2:-1]


class Refusal(Exception):
    """A request that breaks the rules, and the status that answers it."""

    def __init__(self, status, why):
        super().__init__(why)
        self.status, self.why = status, why


@dataclass
class Request:
    method: str
    target: str
    version: str
    headers: list  # (name in lower case, value), in arrival order
    body: bytes = b''

    def header(self, name):
        """All values of header name, joined by commas ('' if none)."""
        return ', '.join(v for n, v in self.headers if n == name)


def read_request(conn, pending):
    """Read one whole request. pending holds bytes already read past the
    previous request. Returns (request, the bytes after it), or None if the
    client closed first. Raises Refusal for a request that breaks the rules."""
    while True:
        parsed = parse_request(pending)
        if parsed is not None:
            return parsed
        data = conn.recv(65536)  # not all here yet: TCP splits anywhere
        if not data:
            return None
        pending += data


def parse_request(buf):
    """Look for one whole request at the start of buf: None while more
    bytes are needed, else (request, what follows it)."""
    end = buf.find(b'\r\n\r\n')  # the empty line ends the head
    if end == -1 or end > MAX_HEAD:
        if len(buf) > MAX_HEAD:
            raise Refusal(431, 'the request head is too long')
        return None
    lines = buf[:end].split(b'\r\n')

    # The request line: METHOD TARGET VERSION, split on single spaces, so
    # that two spaces in a row leave an empty part and fail the check.
    parts = lines[0].split(b' ')
    if len(parts) != 3 or not TOKEN.fullmatch(parts[0]) or not parts[1]:
        raise Refusal(400, 'a request line is METHOD TARGET VERSION')
    # latin-1 maps each byte to one character: no byte is lost or changed.
    method, target, version = (p.decode('latin-1') for p in parts)
    if version not in ('HTTP/1.1', 'HTTP/1.0'):
        raise Refusal(400, 'the version must be HTTP/1.1 or HTTP/1.0')

    # Header lines, "Name: value". Names ignore case.
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b':')
        if not colon or not TOKEN.fullmatch(name) or b'\r' in line or b'\n' in line:
            raise Refusal(400, 'a header line is Name: value, ending in \\r\\n')
        headers.append((name.decode('latin-1').lower(), value.strip(b' \t').decode('latin-1')))
    req = Request(method, target, version, headers)

    # HTTP/1.1 requires exactly one Host: one server may host many sites.
    hosts = [v for n, v in headers if n == 'host']
    if len(hosts) > 1 or (not hosts and version == 'HTTP/1.1'):
        raise Refusal(400, 'an HTTP/1.1 request needs exactly one Host header')
    return read_body(req, buf, end + 4)


def read_body(req, buf, start):
    """The body ends one of two ways: after Content-Length bytes, or, with
    Transfer-Encoding: chunked, after a chunk of size 0. Never both."""
    lengths = [v for n, v in req.headers if n == 'content-length']
    if req.header('transfer-encoding'):
        if lengths:
            raise Refusal(400, 'Content-Length and Transfer-Encoding together')
        if req.header('transfer-encoding').lower() != 'chunked':
            raise Refusal(501, 'the only Transfer-Encoding read here is chunked')
        return read_chunked(req, buf, start)
    if len(lengths) > 1 or (lengths and not DIGITS.fullmatch(lengths[0])):
        raise Refusal(400, 'one Content-Length, a number')
    size = int(lengths[0]) if lengths else 0
    if size > MAX_BODY:
        raise Refusal(413, 'the body is larger than 1 MiB')
    if len(buf) < start + size:
        return None  # the body is still coming
    req.body = buf[start:start + size]
    return req, buf[start + size:]


def read_chunked(req, buf, pos):
    """A chunked body: chunks of "size in hex\\r\\n", that many bytes and
    "\\r\\n", up to a chunk of size 0, then trailer lines up to an empty
    line. None while more bytes are needed."""
    chunks = []
    total = 0
    while True:
        eol = buf.find(b'\r\n', pos)
        if eol == -1:
            if len(buf) - pos > 1024:
                raise Refusal(400, 'a chunk size line is too long')
            return None
        size_text = buf[pos:eol].split(b';')[0].strip()  # drop extensions
        if not HEX.fullmatch(size_text):
            raise Refusal(400, 'a chunk starts with its size in hex')
        size = int(size_text, 16)
        total += size
        if total > MAX_BODY:
            raise Refusal(413, 'the body is larger than 1 MiB')
        pos = eol + 2
        if size == 0:
            break
        if len(buf) < pos + size + 2:
            return None
        if buf[pos + size:pos + size + 2] != b'\r\n':
            raise Refusal(400, "a chunk's bytes end with \\r\\n")
        chunks.append(buf[pos:pos + size])
        pos += size + 2
    while True:  # trailers, up to an empty line
        eol = buf.find(b'\r\n', pos)
        if eol == -1:
            if len(buf) - pos > MAX_HEAD:
                raise Refusal(431, 'the trailers are too long')
            return None
        empty = eol == pos
        pos = eol + 2
        if empty:
            req.body = b''.join(chunks)
            return req, buf[pos:]


def close_politely(conn):
    """End the connection without a reset. Closing a socket while bytes
    from the client still sit unread in it makes the kernel send a RST,
    which can wipe out a response the client has not read yet. So we send
    our FIN first (shutdown), then drop what the client still sends until
    it closes too, or 2 s pass."""
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(2.0)
        while conn.recv(4096):
            pass
    except OSError:
        pass
    conn.close()


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once
    server.bind(('localhost', PORT))
    server.listen()
    print(f'listening on localhost:{PORT}', flush=True)
    while True:
        conn, _ = server.accept()
        # One thread per connection: a slow client holds up only itself.
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
