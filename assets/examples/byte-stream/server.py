"""The framing server of the byte-stream lesson, in Python. TCP is one
stream of bytes, and reads split it anywhere. So this server collects bytes
up to each newline and answers every whole line with "line N: <text>\\n".

    PORT=3001 python3 server.py
    printf 'first li' | nc -N localhost 3001      (no newline: no answer)
    printf 'one\\ntwo\\n' | nc -N localhost 3001    (two answers)
"""
import os
import socket
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
MAX_LINE = 1024  # longest line we accept, newline included
IDLE = 60.0


def handle(conn):
    with conn:
        conn.settimeout(IDLE)
        # The bytes of a line not finished yet. We keep bytes, not text: a
        # read may even split a character's UTF-8 bytes in two.
        pending = b''
        lines = 0
        while True:
            try:
                data = conn.recv(4096)
            except OSError:
                return
            if not data:  # closed; bytes after the last newline are dropped
                return
            pending += data
            # Answer every whole line we have; keep the rest for later.
            while b'\n' in pending:
                line, pending = pending.split(b'\n', 1)
                if line.endswith(b'\r'):  # nc -C sends \r\n
                    line = line[:-1]
                lines += 1
                print(f'line {lines}: {line!r}', flush=True)
                conn.sendall(b'line %d: %s\n' % (lines, line))
            # A client that never sends a newline must not make us hold more.
            if len(pending) >= MAX_LINE:
                conn.sendall(b'error: a line longer than %d bytes\n' % MAX_LINE)
                return


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
