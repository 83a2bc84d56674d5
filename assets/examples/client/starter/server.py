"""Starter for the client lesson: a server that sees both ends of a connection,
and who closes it.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson client --target localhost:3001
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
        # TODO: Log both ends of the connection: your address and port, and
        #       the client's.
        # TODO: Read until the client closes its side: a read then returns
        #       end-of-file (0 bytes). Close your side too.
        # TODO: If the client stays silent for 2 seconds, close the
        #       connection yourself.
        # Keep the connection open for now; nothing reads it yet.
        held.append(conn)


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
