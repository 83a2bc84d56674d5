"""The server of the tcp-accept lesson, in Python: it accepts connections
and reads whatever arrives, but never writes a byte back.

    PORT=3001 python3 server.py
    nc localhost 3001        (in another terminal; type hi and Enter)
"""
import os
import socket
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
IDLE = 3.0  # seconds a connection may stay silent before we close it


def handle(conn, n):
    """Read until the client closes or goes quiet. Never write."""
    with conn:
        # A read waits for bytes, forever if we let it. The timeout says
        # "at most IDLE seconds"; it applies to each read, so it measures
        # silence, not the age of the connection.
        conn.settimeout(IDLE)
        while True:
            try:
                data = conn.recv(4096)
            except socket.timeout:
                print(f'#{n} silent for {IDLE}s, closing it', flush=True)
                return
            except OSError as err:
                print(f'#{n} read failed: {err}', flush=True)
                return
            if not data:  # b'': the client closed its side
                print(f'#{n} closed by client', flush=True)
                return
            # Bytes from the network are untrusted: a raw control byte could
            # steer our terminal. repr() prints them with \r, \n and every
            # other odd byte escaped.
            print(f'#{n} read {len(data)} bytes: {data!r}', flush=True)


def main():
    # listen() asks the OS for the port. From then on the kernel answers
    # the TCP handshakes itself and queues finished connections for us.
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once
    server.bind(('localhost', PORT))
    server.listen()
    print(f'listening on localhost:{PORT}', flush=True)

    # The accept loop: take the next connection from the queue, give it
    # its own thread, and come straight back for the next one.
    n = 0
    while True:
        conn, addr = server.accept()
        n += 1
        print(f'#{n} accepted {addr[0]}:{addr[1]}', flush=True)
        threading.Thread(target=handle, args=(conn, n), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
