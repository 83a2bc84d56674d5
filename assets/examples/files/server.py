"""The server of the files lesson, in Python, with no HTTP library. It
serves the files of public/ (next to this file), each with the
Content-Type of its name, Last-Modified and 304 Not Modified, and refuses
every path that climbs out of the folder.

    PORT=3001 python3 server.py
    curl -v http://localhost:3001/tubes.png -o /dev/null
    curl -v --path-as-is http://localhost:3001/../../etc/passwd     (403)
"""
import os
import posixpath
import socket
import threading
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote_to_bytes

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
FOLDER = Path(os.environ.get('FILES_DIR') or Path(__file__).resolve().parent / 'public').resolve()
MAX_HEAD = 8 * 1024  # bytes of request line and headers
IDLE = 10  # seconds a client has to send its request

# The ending of a name is all a file server goes by.
TYPES = {'.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
         '.txt': 'text/plain; charset=utf-8', '.png': 'image/png'}
REASONS = {200: 'OK', 304: 'Not Modified', 400: 'Bad Request', 403: 'Forbidden',
           404: 'Not Found', 405: 'Method Not Allowed'}


def parse_head(raw):
    """The request line and headers (names in lower case), or None."""
    lines = raw.decode('latin-1').split('\r\n')
    parts = lines[0].split(' ')
    if len(parts) != 3 or not parts[1].startswith('/') or not parts[2].startswith('HTTP/1.'):
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
    return parts[0], parts[1], headers


def serve(method, target, headers):
    """Answer one request from the folder: (status, headers, body)."""
    if method not in ('GET', 'HEAD'):
        return 405, [('Allow', 'GET, HEAD')], b'405: only GET and HEAD here\n'
    raw = target.split('?')[0]
    name = unquote_to_bytes(raw).decode('utf-8', 'replace')
    # Refuse before opening anything: .. (also as %2e%2e or ..%2f once
    # decoded), backslashes (a separator on Windows), NUL bytes.
    if '\\' in name or '\0' in name or '..' in name.split('/'):
        cleaned = posixpath.normpath('/' + name.replace('\\', '/'))
        body = f'403 Forbidden: only files inside the folder.\nraw target:   {target!r}\ncleaned path: {cleaned!r}\n'
        return 403, [], body.encode()
    rel = posixpath.normpath('/' + name).lstrip('/') or 'index.html'
    file = (FOLDER / rel).resolve()
    # A last guard, also against symbolic links: still inside the folder?
    if not file.is_relative_to(FOLDER):
        return 403, [], b'403 Forbidden\n'
    try:
        info = file.stat()
        body = file.read_bytes() if file.is_file() else None
    except OSError:
        body = None
    if body is None:
        return 404, [], f'404: no file {"/" + rel!r} in the folder\n'.encode()
    modified = int(info.st_mtime)  # HTTP dates have whole seconds
    last_modified = ('Last-Modified', formatdate(modified, usegmt=True))
    try:
        since = parsedate_to_datetime(headers.get('if-modified-since', '')).timestamp()
    except (TypeError, ValueError):
        since = None
    if since is not None and modified <= since:
        return 304, [last_modified], None
    ctype = TYPES.get(posixpath.splitext(rel)[1], 'application/octet-stream')
    return 200, [('Content-Type', ctype), last_modified], body


def respond(conn, method, status, headers, body):
    """Write one response. HEAD gets GET's head and no body; a 304 has no
    body and no length."""
    head = f'HTTP/1.1 {status} {REASONS[status]}\r\n'
    head += ''.join(f'{k}: {v}\r\n' for k, v in headers)
    if status != 304:
        if not any(k == 'Content-Type' for k, _ in headers):
            head += 'Content-Type: text/plain; charset=utf-8\r\n'
        head += f'Content-Length: {len(body)}\r\n'
    head += 'Connection: close\r\n\r\n'
    conn.sendall(head.encode() + (body if body and method != 'HEAD' else b''))


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
            respond(conn, 'GET', 400, [], b'a request is METHOD /TARGET HTTP/1.1, header lines, one Host\n')
        else:
            status, headers, body = serve(*req)
            # repr() escapes control bytes: they came from the network.
            print(f'{req[0]!r} {req[1]!r} -> {status}', flush=True)
            respond(conn, req[0], status, headers, body)
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
    print(f'listening on localhost:{PORT}, serving {FOLDER}', flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
