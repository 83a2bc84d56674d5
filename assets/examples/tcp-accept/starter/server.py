"""Starter for the tcp-accept lesson: a server that accepts connections and
reads what arrives, but never writes.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson tcp-accept --target localhost:3001
"""
import os
import socket

# $PORT picks the port; 3001 by default (tubes itself uses 3000).
PORT = int(os.environ.get('PORT') or 3001)

# held keeps the accepted connections open (a socket nobody refers to
# any more gets closed).
held = []


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Lets a restarted server take the port again at once.
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('localhost', PORT))
    server.listen()
    print(f'listening on localhost:{PORT}', flush=True)
    while True:
        conn, addr = server.accept()
        print(f'accepted {addr[0]}:{addr[1]}', flush=True)
        # TODO: Read what the client sends, and log it. The bytes come from
        #       the network: log them escaped, never raw.
        # TODO: Close a connection that stays silent for 3 seconds, so dead
        #       clients do not pile up.
        # TODO: Never write a byte back: that comes in a later lesson.
        # Keep the connection open for now; nothing reads it yet.
        held.append(conn)


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
