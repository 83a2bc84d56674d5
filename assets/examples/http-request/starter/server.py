"""Starter for the http-request lesson: an HTTP server that reads whole
requests.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson http-request --target localhost:3001
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

            # TODO: Collect bytes until the head is complete ("\r\n\r\n"): a
            #       request may arrive in several reads.
            # TODO: Parse the request line, METHOD TARGET VERSION split by
            #       single spaces, and the header lines, Name: value.
            # TODO: Then read exactly Content-Length bytes of body (they too
            #       may come later).
            # TODO: Answer 200 with a text/plain page that describes what
            #       you found.
            # TODO: Answer 400 when the request line is not METHOD TARGET
            #       VERSION, or an HTTP/1.1 request has no Host header;
            #       answer 501 to Transfer-Encoding, which this server does
            #       not read.
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
