"""Starter for the routing lesson: an HTTP server with a router.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson routing --target localhost:3001
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

            # TODO: Read a whole request, as in the http-request lesson: the
            #       head up to "\r\n\r\n", then the body by Content-Length
            #       (or chunked).
            # TODO: Pick the answer by method and path: GET / a welcome
            #       text, GET /time the time in RFC 3339, POST /echo the
            #       body sent back.
            # TODO: Any other path: 404, with a body that names the missing
            #       route.
            # TODO: A known path with another method: 405, with an Allow
            #       header (GET, HEAD for / and /time; POST for /echo).
            # TODO: HEAD / and HEAD /time: the status and headers GET would
            #       get, Content-Length included, and no body.
            # TODO: Close the connection after the response.


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
