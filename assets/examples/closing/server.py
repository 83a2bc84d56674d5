"""The server of the closing lesson, in Python: it reads until the client
says it is done (end-of-file, the client's FIN), and only then answers with
how many bytes and lines came, like wc. Then it closes politely.

    PORT=3001 python3 server.py
    printf 'one\\ntwo\\nthree\\n' | nc -N localhost 3001
"""
import itertools
import os
import socket
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
IDLE = 60.0  # seconds of silence allowed while the client sends

connection_ids = itertools.count(1)


def handle(conn):
    cid = next(connection_ids)
    # with: whatever happens, close. A socket the peer closed and we did
    # not sits in CLOSE_WAIT and holds its file descriptor.
    with conn:
        conn.settimeout(IDLE)
        total = lines = 0
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    break  # the client's FIN: it will send no more
                total += len(data)
                lines += data.count(b'\n')
            # The client half-closed and still reads: answer now.
            conn.sendall(f'{total} bytes, {lines} lines\n'.encode())
            print(f'#{cid} answered after {total} bytes, {lines} lines', flush=True)
            # Our FIN, then wait for the client to close too. We read
            # everything, so the close is a FIN, not a reset.
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(2.0)
            while conn.recv(4096):
                pass
        except OSError as err:
            print(f'#{cid} {err}', flush=True)


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once
    server.bind(('localhost', PORT))
    server.listen()
    print(f'listening on localhost:{PORT}', flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
