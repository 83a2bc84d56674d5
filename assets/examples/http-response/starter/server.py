"""Starter for the http-response lesson: an HTTP server with no HTTP library.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson http-response --target localhost:3001
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

            # TODO: Wait until the request's head has arrived: it ends with
            #       an empty line, "\r\n\r\n", and may come in several
            #       reads.
            # TODO: Then write one response: "HTTP/1.1 200 OK", the headers
            #       Content-Type: text/plain; charset=utf-8, Content-Length
            #       and Connection: close, an empty line, and the body
            #       "Hello, world! 🎉". Every line ends in "\r\n".
            # TODO: Content-Length counts the body's bytes (18), not its
            #       characters (15).
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
