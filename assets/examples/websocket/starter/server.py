"""Starter for the websocket lesson: a hand-written WebSocket (RFC 6455).

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson websocket --target localhost:3001
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
            # TODO: Read the request's head (up to "\r\n\r\n"). For GET /
            #       answer a small HTML page whose script opens
            #       new WebSocket('ws://' + location.host + '/ws').
            # TODO: For GET /ws with Upgrade: websocket, Connection: Upgrade
            #       and Sec-WebSocket-Version: 13, answer "HTTP/1.1 101
            #       Switching Protocols" with Sec-WebSocket-Accept:
            #       base64(SHA-1(key + GUID)),
            #       GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
            #       (hashlib.sha1, base64.b64encode).
            # TODO: Then read frames: byte 0 is FIN and the opcode, byte 1 the
            #       MASK bit and a length (126: 16 bits follow, 127: 64 bits),
            #       then the 4-byte key; XOR the payload with it. Refuse an
            #       unmasked frame or one over 64 KiB with a close frame
            #       (1002, 1009).
            # TODO: Echo each text frame (unmasked: servers never mask), send
            #       "tick N" every second from another thread, and answer a
            #       close frame (opcode 8) with one that has the same code.


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('127.0.0.1', PORT))
    server.listen()
    print(f'listening on 127.0.0.1:{PORT}', flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
