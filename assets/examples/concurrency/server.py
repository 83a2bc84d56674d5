"""The server of the concurrency lesson, in Python: a slow HTTP handler
(1 s per request), served by one thread per connection, so five slow
requests wait out their second side by side.

    PORT=3001 python3 server.py
    time (for i in 1 2 3 4 5; do curl -s http://localhost:3001/ & done; wait)
"""
import itertools
import os
import socket
import threading
import time

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
WORK = 1.0  # seconds each request takes, as if we asked a slow database
MAX_HEAD = 8 * 1024  # the most we hold while waiting for a head

connection_ids = itertools.count(1)


def handle(conn):
    cid = next(connection_ids)
    start = time.monotonic()
    # A deadline on every read: a client that connects and says nothing
    # would otherwise hold its thread forever.
    conn.settimeout(10.0)
    try:
        head = read_head(conn)
        if head is None:
            conn.close()
            return
        print(f'#{cid} read a {len(head)}-byte request: {head!r}', flush=True)

        time.sleep(WORK)  # the slow part: only this thread waits

        body = f'Hello after a {WORK:g}s wait! (connection #{cid})\n'.encode()
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n'
                     b'Content-Length: %d\r\nConnection: close\r\n\r\n' % len(body) + body)
        print(f'#{cid} answered after {time.monotonic() - start:.3f}s', flush=True)
    except OSError as err:
        print(f'#{cid} failed: {err}', flush=True)
    close_politely(conn)


def read_head(conn):
    """Read until the blank line (\\r\\n\\r\\n) that ends a request's head.
    TCP may hand us the request in several pieces, so one recv is not
    always the whole request. Returns None if the client closed first."""
    head = b''
    while b'\r\n\r\n' not in head:
        if len(head) > MAX_HEAD:
            return None  # no head is this long: give up on this client
        data = conn.recv(4096)
        if not data:
            return None
        head += data
    return head


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
        # A new thread serves the connection, and the loop goes straight
        # back to accept. Calling handle(conn) here instead would serve one
        # connection at a time: the fifth client would wait 5 s.
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
