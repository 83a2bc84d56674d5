"""Starter for the files lesson: an HTTP server that serves the files of
one folder.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson files --target localhost:3001
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

            # TODO: Read the request line and headers; answer GET and HEAD, others 405.
            # TODO: Map the path to a file in the folder public/ next to this file
            #       (tubes init put it there; index.html for /),
            #       and send it with the Content-Type of its name: .html text/html,
            #       .css text/css, .txt text/plain, .png image/png.
            # TODO: Send Last-Modified; answer If-Modified-Since that is not older
            #       with 304 Not Modified and no body. HEAD gets no body either.
            # TODO: Refuse with 403, before opening anything, every path with .. in it
            #       (also %2e%2e and ..%2f once decoded) or a backslash.


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
