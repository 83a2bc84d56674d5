"""Starter for the closing lesson: a server that answers once the client
has said it is done (its FIN).

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson closing --target localhost:3001
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

            # TODO: Count the bytes and lines that arrive; answer nothing yet.
            # TODO: When a read returns end-of-file (the client's FIN, as nc -N sends
            #       it), answer with "N bytes, M lines\n": the client still reads.
            # TODO: Then close politely: shut down your write side (FIN) and read
            #       until the client closes too, so the close is never a reset.
            # TODO: Always close once the client is gone: a socket you never close
            #       sits in CLOSE_WAIT.


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
