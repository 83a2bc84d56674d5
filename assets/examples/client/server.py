"""The server of the client lesson, in Python. It shows the two ends of
each connection, never writes, and reports who ended it: the client (a FIN
or a reset) or the server itself, after 2 s of silence.

    PORT=3001 python3 server.py
    nc localhost 3001        (in another terminal; then Ctrl+C, or wait)
"""
import os
import socket
import threading
import time

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
PATIENCE = 2.0  # seconds of silence before the server hangs up


def handle(conn, n):
    start = time.monotonic()
    # Each end is an address and a port. Ours is the port we listen on; the
    # client's is an ephemeral port its OS picked for this connection.
    me, peer = conn.getsockname(), conn.getpeername()
    print(f'#{n} accepted: server end {me[0]}:{me[1]}, client end {peer[0]}:{peer[1]}', flush=True)
    with conn:  # closing the socket sends our FIN
        conn.settimeout(PATIENCE)
        while True:
            try:
                data = conn.recv(4096)
            except socket.timeout:
                # Nobody said anything for a while, so we leave first.
                print(f'#{n} closed by server after {PATIENCE}s of silence', flush=True)
                return
            except ConnectionResetError:
                # The client sent a RST: the connection was torn down at once.
                print(f'#{n} closed by client (reset) after {time.monotonic() - start:.3f}s', flush=True)
                return
            if not data:
                # b'' is end-of-file: the client sent a FIN, "no more bytes
                # from me". We close our side too.
                print(f'#{n} closed by client after {time.monotonic() - start:.3f}s', flush=True)
                return
            # Untrusted bytes: repr() escapes control bytes.
            print(f'#{n} read {len(data)} bytes: {data!r}', flush=True)


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once
    server.bind(('localhost', PORT))
    server.listen()
    print(f'listening on localhost:{PORT}', flush=True)
    n = 0
    while True:
        conn, _ = server.accept()
        n += 1
        threading.Thread(target=handle, args=(conn, n), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
