"""The server of the timeouts lesson, in Python: an HTTP server with the
two clocks a real server needs, and a limit on open connections.

    PORT=3001 python3 server.py
    curl -v http://localhost:3001/
    nc localhost 3001        (send nothing: closed after 3 s)

A silent connection meets the header clock first: it runs from the moment
the connection opens, and its 3 s end before the 5 s idle clock. The idle
clock ends a client that goes quiet halfway through its head.
"""
import os
import socket
import threading
import time

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
IDLE = 5.0  # seconds of silence allowed, counted afresh by every byte
HEADER_TIME = 3.0  # seconds for the whole request head, however it trickles in
MAX_CONNS = 20  # connections held at once
MAX_HEAD = 8 * 1024  # bytes of a request head

# A semaphore counts free places: each open connection holds one.
slots = threading.BoundedSemaphore(MAX_CONNS)


def handle(conn, who):
    try:
        serve(conn, who)
    finally:
        slots.release()  # this connection's place is free again


def serve(conn, who):
    # The header clock runs from the moment the connection opens, and bytes
    # do not restart it: a slowloris client sending a byte a second is never
    # idle, yet it cannot make its head take longer than HEADER_TIME.
    deadline = time.monotonic() + HEADER_TIME
    head = b''
    while b'\r\n\r\n' not in head:
        left = deadline - time.monotonic()
        if left <= 0 or len(head) > MAX_HEAD:
            print(f'{who} header not complete in {HEADER_TIME}s, closing it', flush=True)
            conn.close()
            return
        # The idle clock: each recv waits at most IDLE seconds (or less,
        # if the header clock runs out first).
        conn.settimeout(min(IDLE, left))
        try:
            data = conn.recv(4096)
        except socket.timeout:
            if time.monotonic() < deadline:
                print(f'{who} idle for {IDLE}s, closing it', flush=True)
            continue  # the loop's check closes it
        except OSError:
            conn.close()
            return
        if not data:
            conn.close()
            return
        head += data
    request_line = head.split(b'\r\n')[0]
    print(f'{who} asked {request_line!r}', flush=True)
    body = b'Hello! Your request arrived in time.\n'
    try:
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n'
                     b'Content-Length: %d\r\nConnection: close\r\n\r\n' % len(body) + body)
    except OSError:
        pass
    close_politely(conn)


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
        conn, addr = server.accept()
        who = f'{addr[0]}:{addr[1]}'
        # Is there room right now? If not, refuse the newcomer at once
        # (the kernel already finished its handshake: we close it) instead
        # of letting it wait.
        if not slots.acquire(blocking=False):
            print(f'{who} refused: {MAX_CONNS} connections open', flush=True)
            conn.close()
            continue
        threading.Thread(target=handle, args=(conn, who), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
