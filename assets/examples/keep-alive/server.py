"""The server of the keep-alive lesson, in Python: it serves request after
request on one connection. Each answer carries Content-Length, so the
client knows where it ends and can send the next request.

    PORT=3001 python3 server.py
    curl -v http://localhost:3001/ http://localhost:3001/
    curl -v -H 'Connection: close' http://localhost:3001/ http://localhost:3001/
"""
import itertools
import os
import re
import socket
import threading
from dataclasses import dataclass

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
IDLE = 10.0  # seconds of silence allowed between requests

# Limits: without them, one client could make us hold any amount of memory.
MAX_HEAD = 8 * 1024  # bytes of request line and headers
MAX_BODY = 1024 * 1024  # body bytes (1 MiB)

REASONS = {400: 'Bad Request', 413: 'Content Too Large',
           431: 'Request Header Fields Too Large', 501: 'Not Implemented'}

# A token is what a method or a header name may be made of.
TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
DIGITS = re.compile(r'[0-9]+')
HEX = re.compile(rb'[0-9a-fA-F]{1,8}')

connection_ids = itertools.count(1)


def handle(conn):
    cid = next(connection_ids)
    # The idle clock: each recv may wait IDLE seconds, counted afresh.
    conn.settimeout(IDLE)
    # One buffer for the whole connection: a read may hold the end of one
    # request and the start of the next, or two whole requests. Bytes past
    # one request belong to the next one, so they must not be lost.
    pending = b''
    try:
        for n in itertools.count(1):
            parsed = read_request(conn, pending)
            if parsed is None:
                print(f'#{cid} closed by client after {n - 1} requests', flush=True)
                break
            req, pending = parsed
            print(f'#{cid} request #{n}: {req.method!r} {req.target!r}', flush=True)

            # The client may ask to close: "Connection: close" (a list, like
            # "keep-alive, close"). HTTP/1.0 closes after each request unless
            # told otherwise; to keep this short, we always close for it.
            words = [w.strip().lower() for w in req.header('connection').split(',')]
            closing = 'close' in words or req.version == 'HTTP/1.0'

            body = f'Hello! This is response #{n} on connection #{cid}.\n'.encode()
            head = ('HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n'
                    f'Content-Length: {len(body)}\r\n')
            if closing:
                head += 'Connection: close\r\n'  # say we will close, then do it
            conn.sendall((head + '\r\n').encode() + body)
            if closing:
                break
    except Refusal as no:
        body = (no.why + '\n').encode()
        conn.sendall(f'HTTP/1.1 {no.status} {REASONS[no.status]}\r\nContent-Type: text/plain; charset=utf-8\r\n'
                     f'Content-Length: {len(body)}\r\nConnection: close\r\n\r\n'.encode() + body)
    except socket.timeout:
        print(f'#{cid} idle for {IDLE}s, closing it', flush=True)
    except OSError as err:
        print(f'#{cid} failed: {err}', flush=True)
    close_politely(conn)


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
    # Present, even empty: an empty Transfer-Encoding is not "no encoding".
    if any(n == 'transfer-encoding' for n, _ in req.headers):
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
