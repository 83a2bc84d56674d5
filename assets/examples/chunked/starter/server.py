"""Starter for the chunked lesson: an HTTP server that sends and reads
bodies in chunks.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson chunked --target localhost:3001
"""
import os
import socket
import threading

# $PORT picks the port; 3001 by default (tubes itself uses 3000).
PORT = int(os.environ.get('PORT') or 3001)


def handle(conn):
    """Read what the client sends and log it, until the client closes."""
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return  # the client closed its side
            # repr() escapes control bytes: they came from the network.
            print(f'read {len(data)} bytes: {data!r}', flush=True)

            # TODO: Read whole requests: the head up to the empty line, then the body.
            # TODO: A GET gets Transfer-Encoding: chunked and its body in pieces, each
            #       as: size in hex, \r\n, the bytes, \r\n; then the end, 0\r\n\r\n.
            # TODO: A body sent with Transfer-Encoding: chunked: read each size line,
            #       that many bytes and their \r\n, until the chunk of size 0 and the
            #       empty line after it; answer with the joined body.
            # TODO: A size line may carry extensions after a ";" (7;ext=1): they are
            #       allowed; skip them. Refuse with 400 a size, the part before any
            #       ";", that is not only hex digits.


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Lets a restarted server take the port again at once.
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('localhost', PORT))
    server.listen()
    print(f'listening on localhost:{PORT}', flush=True)
    while True:
        conn, addr = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
