"""The server of the websocket lesson, in Python: a hand-written WebSocket.

RFC 6455 with no library. GET / serves a page whose script connects to
/ws; the upgrade's Sec-WebSocket-Accept is computed here (hashlib, base64);
then the server echoes every message, sends "tick N" every second, and
answers a close frame with one. Client frames must be masked, at most
64 KiB.

    PORT=3001 python3 server.py
    open http://localhost:3001/
"""
import base64
import hashlib
import os
import socket
import struct
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'  # fixed by RFC 6455
MAX_HEAD = 8 * 1024
MAX_PAYLOAD = 64 * 1024

PAGE = """<!doctype html><meta charset="utf-8"><title>WebSocket</title>
<p id="state">connecting…</p><form id="f"><input id="m" autofocus> <button>Send</button>
<button type="button" id="c">Close</button></form><pre id="log"></pre>
<script>
const ws = new WebSocket('ws://' + location.host + '/ws');
const log = (t) => { document.getElementById('log').textContent += t + '\\n'; };
ws.onopen = () => { document.getElementById('state').textContent = 'open'; ws.send('Hello from the browser!'); };
ws.onmessage = (e) => log('← ' + e.data);
ws.onclose = (e) => { document.getElementById('state').textContent = 'closed ' + e.code; };
document.getElementById('f').onsubmit = (e) => { e.preventDefault(); const m = document.getElementById('m'); ws.send(m.value); log('→ ' + m.value); m.value = ''; };
document.getElementById('c').onclick = () => ws.close(1000, 'bye');
</script>"""


class Closing(Exception):
    """A reason to close, with the code to send."""

    def __init__(self, code, reason=''):
        super().__init__(reason)
        self.code, self.reason = code, reason


def reply(conn, status, ctype, body):
    b = body.encode()
    conn.sendall(f'HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(b)}\r\n'
                 f'Connection: close\r\n\r\n'.encode() + b)


def frame(op, payload):
    """One unmasked frame from the server: FIN, the opcode, the length."""
    n = len(payload)
    if n < 126:
        head = struct.pack('!BB', 0x80 | op, n)
    elif n <= 0xffff:
        head = struct.pack('!BBH', 0x80 | op, 126, n)
    else:
        head = struct.pack('!BBQ', 0x80 | op, 127, n)
    return head + payload


class Socket:
    def __init__(self, conn, rest):
        self.conn, self.buf = conn, rest
        self.lock = threading.Lock()
        self.shut = False  # our close frame is out: nothing may follow

    def send(self, op, payload):
        with self.lock:
            if self.shut:
                return
            self.shut = op == 0x8
            self.conn.sendall(frame(op, payload))

    def read(self, n):
        while len(self.buf) < n:
            data = self.conn.recv(65536)
            if not data:
                raise Closing(1001, 'going away')
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def ticks(self, stop):
        n = 0
        while not stop.wait(1.0):  # whatever the client does: full duplex
            n += 1
            try:
                self.send(0x1, f'tick {n}'.encode())
            except OSError:
                return

    def frames(self):
        msg, msg_op = b'', 0
        while True:
            b0, b1 = self.read(2)
            fin, rsv, op, masked, n = b0 & 0x80, b0 & 0x70, b0 & 0x0f, b1 & 0x80, b1 & 0x7f
            if n == 126:
                n, = struct.unpack('!H', self.read(2))
            elif n == 127:
                n, = struct.unpack('!Q', self.read(8))
            print(f'frame: FIN {bool(fin)}, opcode {op}, MASK {bool(masked)}, length {n}', flush=True)
            if rsv:
                raise Closing(1002, 'reserved bits set')
            if not masked:
                raise Closing(1002, "a client's frames must be masked")
            if 0x2 < op < 0x8 or op > 0xA:
                raise Closing(1002, 'unknown opcode')
            if op >= 0x8 and (not fin or n > 125):
                raise Closing(1002, 'bad control frame')
            if n > MAX_PAYLOAD or len(msg) + n > MAX_PAYLOAD:
                raise Closing(1009, 'too big')
            key = self.read(4)
            p = bytes(c ^ key[i % 4] for i, c in enumerate(self.read(n)))  # unmask
            if op == 0x9:
                self.send(0xA, p)
                continue
            if op == 0xA:
                continue
            if op == 0x8:
                code = struct.unpack('!H', p[:2])[0] if len(p) >= 2 else 1000
                print(f'the client closes with {code}', flush=True)
                raise Closing(code)
            if op == 0x0 and not msg_op:
                raise Closing(1002, 'nothing to continue')
            if op != 0x0:
                if msg_op:
                    raise Closing(1002, 'expected a continuation')
                msg_op = op
            msg += p
            if not fin:
                continue
            if msg_op == 0x1:
                try:
                    msg.decode('utf-8')
                except UnicodeDecodeError:
                    raise Closing(1007, 'not UTF-8')
            print(f'message: {msg!r}', flush=True)
            self.send(msg_op, msg)  # the echo
            msg, msg_op = b'', 0

    def serve(self):
        self.conn.settimeout(60)
        stop = threading.Event()
        ticker = threading.Thread(target=self.ticks, args=(stop,), daemon=True)
        ticker.start()
        try:
            self.frames()
        except Closing as c:
            code, reason = c.code, c.reason
        except (socket.timeout, OSError):
            code, reason = 1001, 'idle'
        stop.set()
        ticker.join()
        try:
            self.send(0x8, struct.pack('!H', code) + reason.encode())
            self.conn.shutdown(socket.SHUT_WR)  # the server closes the TCP connection first
        except OSError:
            pass


def handle(conn):
    with conn:
        conn.settimeout(10)
        buf = b''
        try:
            while b'\r\n\r\n' not in buf:
                data = conn.recv(4096)
                if not data or len(buf) > MAX_HEAD:
                    return
                buf += data
            head, rest = buf.split(b'\r\n\r\n', 1)
            lines = head.decode('latin-1').split('\r\n')
            parts = lines[0].split(' ')
            method, target = (parts + ['', ''])[:2]
            h = {}
            for line in lines[1:]:
                name, _, value = line.partition(':')
                h[name.strip().lower()] = value.strip()

            def has(v, token):
                return any(t.strip().lower() == token for t in v.split(','))

            if method == 'GET' and target == '/':
                return reply(conn, '200 OK', 'text/html; charset=utf-8', PAGE)
            if target != '/ws':
                return reply(conn, '404 Not Found', 'text/plain', 'not found\n')
            if not has(h.get('upgrade', ''), 'websocket') or not has(h.get('connection', ''), 'upgrade') \
                    or h.get('sec-websocket-version') != '13':
                return reply(conn, '426 Upgrade Required', 'text/plain', 'this is a WebSocket, version 13\n')
            key = h.get('sec-websocket-key', '')
            try:
                ok = len(base64.b64decode(key, validate=True)) == 16
            except ValueError:
                ok = False
            if not ok:
                return reply(conn, '400 Bad Request', 'text/plain', 'bad key\n')
            sha1 = hashlib.sha1((key + GUID).encode()).digest()
            accept = base64.b64encode(sha1).decode()
            print(f'key {key!r} + GUID -> SHA-1 {sha1.hex()} -> accept {accept}', flush=True)
            conn.sendall(('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                          f'Sec-WebSocket-Accept: {accept}\r\n\r\n').encode())
            Socket(conn, rest).serve()
        except OSError as err:
            print(f'connection failed: {err}', flush=True)


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('127.0.0.1', PORT))
    server.listen()
    print(f'listening on 127.0.0.1:{PORT}', flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
