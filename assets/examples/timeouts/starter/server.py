"""Starter for the timeouts lesson: an HTTP server that guards itself with
timeouts and a limit.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson timeouts --target localhost:3001
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

            # TODO: Close a connection that sends nothing for 5 seconds (the
            #       idle timeout).
            # TODO: Give a request's head 3 seconds in all, counted from the
            #       moment the connection opens, however slowly it trickles
            #       in (the header timeout); then answer 200 and close. Both
            #       clocks guard the recv() above, so set them before it
            #       (conn.settimeout).
            # TODO: Hold at most 20 connections at once: close newcomers
            #       beyond that.


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
