"""Starter for the byte-stream lesson: a server that frames the byte stream by
newlines.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson byte-stream --target localhost:3001
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

            # TODO: Reads split the stream anywhere: keep the bytes until a
            #       "\n" arrives, and keep what follows it for the next
            #       line.
            # TODO: Answer each whole line with "line N: <text>\n", N
            #       counting the lines on this connection (drop a "\r"
            #       before the "\n").
            # TODO: Do not let one endless line eat your memory: once
            #       1024 bytes wait without a "\n", answer an error line
            #       and close.


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
