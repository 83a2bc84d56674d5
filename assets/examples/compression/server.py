"""The server of the compression lesson, in Python, with no HTTP library.
It answers with a text of 32 lines, gzip-compressed when the request's
Accept-Encoding allows gzip, as it is otherwise, and always with
Vary: Accept-Encoding.

    PORT=3001 python3 server.py
    curl -v --compressed http://localhost:3001/
    curl -v -H 'Accept-Encoding: gzip;q=0, identity' http://localhost:3001/
"""
import gzip
import os
import socket
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
MAX_HEAD = 8 * 1024  # bytes of request line and headers
IDLE = 10  # seconds a client has to send its request

# The text repeats itself, as HTML, JSON and logs do: gzip makes it small.
TEXT = ''.join(f'Line {i:02d} of 32: text repeats itself, and gzip sends each repeat as a short pointer back.\n'
               for i in range(1, 33)).encode()
REASONS = {200: 'OK', 400: 'Bad Request', 405: 'Method Not Allowed'}


def accepts_gzip(value):
    """Read an Accept-Encoding list like "br;q=1.0, gzip;q=0.8": gzip is
    sent when it (or *) has a weight above 0, no lower than that of identity
    when identity (or *) is weighed at all."""
    weights = {}
    for entry in value.split(','):
        name, *params = entry.split(';')
        name = name.strip().lower()
        q = 1.0
        for p in params:
            k, _, v = p.partition('=')
            if k.strip().lower() == 'q':
                try:
                    q = float(v)
                except ValueError:
                    q = -1.0
        if name and 0 <= q <= 1 and name not in weights:
            weights[name] = q

    def weight(name):
        return weights.get(name, weights.get('*', 0.0))
    gz = max(weight('gzip'), weights.get('x-gzip', 0.0))
    return gz > 0 and gz >= weight('identity')


def parse_head(raw):
    """The request line and headers (names in lower case), or None."""
    lines = raw.decode('latin-1').split('\r\n')
    parts = lines[0].split(' ')
    if len(parts) != 3 or not parts[2].startswith('HTTP/1.'):
        return None
    headers, hosts = {}, 0
    for line in lines[1:]:
        name, colon, value = line.partition(':')
        if not colon or not name or ' ' in name or '\t' in name:
            return None
        name = name.lower()
        hosts += name == 'host'
        headers[name] = value.strip()
    if hosts != 1 and parts[2] == 'HTTP/1.1':
        return None
    return parts[0], headers


def respond(conn, method, status, headers, body):
    """Write one response, with its length, and Connection: close."""
    head = f'HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n'
    head += ''.join(f'{k}: {v}\r\n' for k, v in headers)
    head += f'Content-Length: {len(body)}\r\nConnection: close\r\n\r\n'
    conn.sendall(head.encode() + (b'' if method == 'HEAD' else body))


def handle(conn):
    with conn:
        conn.settimeout(IDLE)
        data = b''
        try:
            while b'\r\n\r\n' not in data and len(data) <= MAX_HEAD:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return  # silent for too long, or the connection failed
        req = parse_head(data.split(b'\r\n\r\n')[0]) if b'\r\n\r\n' in data else None
        if req is None:
            respond(conn, 'GET', 400, [], b'a request is METHOD TARGET HTTP/1.1, header lines, one Host\n')
        elif req[0] not in ('GET', 'HEAD'):
            respond(conn, req[0], 405, [('Allow', 'GET, HEAD')], b'405: only GET and HEAD here\n')
        else:
            method, headers = req
            asked = headers.get('accept-encoding')
            out, body = [('Vary', 'Accept-Encoding')], TEXT
            if asked is not None and accepts_gzip(asked):
                body = gzip.compress(TEXT, mtime=0)
                out.append(('Content-Encoding', 'gzip'))
            # repr() escapes control bytes: they came from the network.
            print(f'Accept-Encoding {asked!r} -> {len(body)} of {len(TEXT)} bytes', flush=True)
            respond(conn, method, 200, out, body)
        close_politely(conn)


def close_politely(conn):
    """Send our FIN first, then drop what the client still sends (2 s at
    most), so the response is never lost to a reset."""
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(2)
        while conn.recv(4096):
            pass
    except OSError:
        pass


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
