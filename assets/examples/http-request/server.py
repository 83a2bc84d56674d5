"""The server of the http-request lesson, in Python: it reads a whole HTTP
request by the rules, with no HTTP library, and answers with a page
describing what it found. A request that breaks the rules gets a 4xx.

    PORT=3001 python3 server.py
    curl -v 'http://localhost:3001/hello?lang=en'
    curl -v -d 'name=tubes&lesson=7' http://localhost:3001/form
"""
import os
import re
import socket
import threading
from dataclasses import dataclass

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000

# Limits: without them, one client could make us hold any amount of memory.
MAX_HEAD = 8 * 1024  # bytes of request line and headers
MAX_BODY = 1024 * 1024  # body bytes (1 MiB)

REASONS = {200: 'OK', 400: 'Bad Request', 413: 'Content Too Large',
           431: 'Request Header Fields Too Large', 501: 'Not Implemented',
           505: 'HTTP Version Not Supported'}

# A token is what a method or a header name may be made of.
TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
DIGITS = re.compile(r'[0-9]+')


def handle(conn):
    conn.settimeout(10.0)  # a client gets 10 s of silence at most
    try:
        parsed = read_request(conn, b'')
        if parsed is not None:
            req, _ = parsed
            print(f'{req.method!r} {req.target!r} {req.version}, {len(req.headers)} headers, '
                  f'{len(req.body)} body bytes', flush=True)
            respond(conn, 200, describe(req))
    except Refusal as no:
        print(f'refused: {no.status}, {no.why}', flush=True)
        respond(conn, no.status, no.why + '\n')
    except OSError as err:  # timed out, or the connection failed
        print(f'gave up reading: {err}', flush=True)
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
        # HTTP/2.0 is a version, just not ours: 505. Anything else: 400.
        if re.fullmatch(r'HTTP/[0-9]\.[0-9]', version):
            raise Refusal(505, f'this server speaks HTTP/1.1 and HTTP/1.0, not {version}')
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
    """The body: exactly Content-Length bytes, or none at all."""
    if req.header('transfer-encoding'):
        raise Refusal(501, 'chunked bodies are not supported here')
    lengths = [v for n, v in req.headers if n == 'content-length']
    if len(lengths) > 1 or (lengths and not DIGITS.fullmatch(lengths[0])):
        raise Refusal(400, 'one Content-Length, a number')
    size = int(lengths[0]) if lengths else 0
    if size > MAX_BODY:
        raise Refusal(413, 'the body is larger than 1 MiB')
    if len(buf) < start + size:
        return None  # the body is still coming
    req.body = buf[start:start + size]
    return req, buf[start + size:]


def describe(req):
    """The page we send back. All of it came from the network, so it goes
    through shown() first."""
    page = f'You sent a {shown(req.method)} request for {shown(req.target)} using {req.version}.\n\n'
    page += f'Headers ({len(req.headers)}):\n'
    for name, value in req.headers:
        page += f'  {shown(name)}: {shown(value)}\n'
    page += f'\nBody: {len(req.body)} bytes\n'
    if req.body:
        page += shown(req.body.decode('latin-1')) + '\n'
    return page


def shown(text):
    """Text from the network, made safe to show: printable ASCII as it is,
    every other byte escaped (repr without its quotes)."""
    return repr(text.encode('latin-1'))[2:-1]


def respond(conn, status, text):
    """Write a whole response. Content-Length counts the body's bytes."""
    body = text.encode('utf-8')
    head = (f'HTTP/1.1 {status} {REASONS[status]}\r\n'
            'Content-Type: text/plain; charset=utf-8\r\n'
            f'Content-Length: {len(body)}\r\n'
            'Connection: close\r\n'
            '\r\n')
    try:
        conn.sendall(head.encode('ascii') + body)
    except OSError:
        pass


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
