"""Starter for the compression lesson: an HTTP server that compresses its
answers with gzip.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson compression --target localhost:3001
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

            # TODO: Read the request line and headers, and answer GET with a long text.
            # TODO: Read Accept-Encoding: a list like gzip;q=0.8, br, identity, where
            #       q=0 means "not this one".
            # TODO: When it allows gzip, compress the body, say Content-Encoding: gzip
            #       and the compressed Content-Length; otherwise send it as it is.
            # TODO: Say Vary: Accept-Encoding on both answers.


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
