"""The server of the ping-pong lesson, in Python: every read it does is
answered with the same 18 bytes, "Hello client! 🎉".

    PORT=3001 python3 server.py
    nc localhost 3001        (in another terminal; type ping and Enter)
"""
import os
import socket
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
IDLE = 60.0

# 14 ASCII bytes plus 4 bytes of UTF-8 for the emoji: 18 bytes, though it
# looks like 15 characters. No newline at the end.
REPLY = 'Hello client! 🎉'.encode('utf-8')


def handle(conn):
    with conn:
        conn.settimeout(IDLE)
        while True:
            try:
                data = conn.recv(4096)
            except OSError:  # silent too long, or the connection failed
                return
            if not data:  # the client closed
                return
            print(f'read {len(data)} bytes: {data!r}', flush=True)
            # TCP is full duplex: we answer on the very socket we read from.
            # We answer each read, not each "message": TCP keeps no message
            # boundaries, so two lines pasted at once may be one read.
            conn.sendall(REPLY)


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
