"""The server of the chunked lesson, in Python: a GET is answered with a
body sent in chunks, one every 300 ms, each with its size in hex in front;
a request whose body comes chunked is decoded and its body sent back.

    PORT=3001 python3 server.py
    curl -N http://localhost:3001/
    curl --raw http://localhost:3001/
    curl -H 'Transfer-Encoding: chunked' --data-binary 'Hello, chunked world!' http://localhost:3001/
"""
import os
import re
import socket
import threading
import time

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
IDLE = 10.0  # seconds of silence allowed
PAUSE = 0.3  # seconds between two chunks of the answer
MAX_HEAD = 8 * 1024
MAX_BODY = 1024 * 1024
LINES = [b'one\n', b'two\n', b'three\n', b'four\n', b'five, and that is all\n']
REASONS = {400: 'Bad Request', 413: 'Content Too Large', 431: 'Request Header Fields Too Large', 501: 'Not Implemented'}
# Only hex digits: no sign, no spaces, no 0x, at most 16 of them.
HEX = re.compile(rb'[0-9a-fA-F]{1,16}')


class Refusal(Exception):
    def __init__(self, status, why):
        super().__init__(why)
        self.status, self.why = status, why


class Reader:
    """Bytes from a socket, read as lines or counts; what is read past one
    request stays here."""

    def __init__(self, conn):
        self.conn, self.buf = conn, b''

    def line(self, limit=MAX_HEAD):
        while b'\r\n' not in self.buf:
            if len(self.buf) > limit:
                raise Refusal(431, 'a line is too long')
            self.more()
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def exactly(self, n):
        while len(self.buf) < n:
            self.more()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def more(self):
        data = self.conn.recv(65536)
        if not data:
            raise EOFError('the client closed in the middle of a request')
        self.buf += data


def read_request(r):
    """Returns (method, body or None, chunks): the body by Content-Length
    or chunked; chunks counts a chunked body's chunks, the 0 chunk too."""
    parts = r.line().split(b' ')
    if len(parts) != 3:
        raise Refusal(400, 'a request line is METHOD TARGET VERSION')
    method = parts[0].decode('latin-1')
    length, chunked, hosts = None, False, 0
    while True:
        line = r.line()
        if not line:
            break
        name, colon, value = line.partition(b':')
        name, value = name.decode('latin-1').lower(), value.strip(b' \t')
        if not colon:
            raise Refusal(400, 'a header line is Name: value')
        if name == 'host':
            hosts += 1
        elif name == 'content-length':
            if not value.isdigit() or length is not None:
                raise Refusal(400, 'one Content-Length, a number')
            length = int(value)
            if length > MAX_BODY:
                raise Refusal(413, 'the body is larger than 1 MiB')
        elif name == 'transfer-encoding':
            if value.lower() != b'chunked' or chunked:
                raise Refusal(501, 'the only Transfer-Encoding read here is chunked')
            chunked = True
    if hosts != 1 and parts[2] == b'HTTP/1.1':
        raise Refusal(400, 'an HTTP/1.1 request needs exactly one Host header')
    if chunked and length is not None:
        # Two answers to "where does the body end?": refuse them both.
        raise Refusal(400, 'Content-Length and Transfer-Encoding together')
    if chunked:
        body, chunks = read_chunked(r)
        return method, body, chunks
    if length is not None:
        return method, r.exactly(length), 0
    return method, None, 0


def read_chunked(r):
    """size in hex (and maybe ;extensions) CRLF, that many bytes, CRLF, up to
    a chunk of size 0; then trailer lines up to an empty line."""
    body = b''
    chunks = 0
    while True:
        chunks += 1
        size_text = r.line(4096).split(b';')[0]  # extensions: allowed, ignored
        if not HEX.fullmatch(size_text):
            raise Refusal(400, 'a chunk starts with its size in hex')
        size = int(size_text, 16)
        if len(body) + size > MAX_BODY:
            raise Refusal(413, 'the body is larger than 1 MiB')
        if size == 0:
            while r.line():  # trailers, up to the empty line
                pass
            return body, chunks
        body += r.exactly(size)
        if r.exactly(2) != b'\r\n':
            raise Refusal(400, "a chunk's bytes end with \\r\\n, right after its size")


def handle(conn):
    conn.settimeout(IDLE)
    r = Reader(conn)
    try:
        method, body, chunks = read_request(r)
        if body is not None or method == 'POST':
            body = body or b''
            text = f'You sent {len(body)} bytes'
            if chunks:
                text += f' in {chunks} chunks (the last one of size 0)'
            # repr(): the body came from the network, so control bytes are escaped.
            text = (text + f':\n{body.decode("utf-8", "replace")!r}\n').encode()
            conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n'
                         b'Content-Length: %d\r\nConnection: close\r\n\r\n' % len(text) + text)
        else:
            # The length is not known up front: send the body in chunks.
            conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n'
                         b'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n')
            for line in LINES:
                time.sleep(PAUSE)
                conn.sendall(b'%x\r\n%s\r\n' % (len(line), line))  # size in hex, CRLF, bytes, CRLF
            conn.sendall(b'0\r\n\r\n')  # the 0 chunk ends the body
    except Refusal as no:
        text = (no.why + '\n').encode()
        conn.sendall(f'HTTP/1.1 {no.status} {REASONS[no.status]}\r\nContent-Type: text/plain; charset=utf-8\r\n'
                     f'Content-Length: {len(text)}\r\nConnection: close\r\n\r\n'.encode() + text)
    except (OSError, EOFError) as err:
        print(f'failed: {err}', flush=True)
    close_politely(conn)


def close_politely(conn):
    """Our FIN first, then drop what the client still sends until it closes
    too (2 s at most), so the close is never a reset."""
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
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
