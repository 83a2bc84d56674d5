"""The server of the http-response lesson, in Python: an HTTP server with
no HTTP library. It waits for a request's head, writes one hand-made
response, and closes.

    PORT=3001 python3 server.py
    curl -v http://localhost:3001/
"""
import os
import socket
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
MAX_HEAD = 8 * 1024  # the most we hold while waiting for a head

# 14 ASCII bytes plus 4 bytes for the emoji: 18 bytes, 15 characters.
BODY = 'Hello, world! 🎉'.encode('utf-8')

# The whole answer, byte for byte. Every line of the head ends in \r\n,
# the empty line ends the head, and the body follows with no newline.
# Content-Length is len(BODY), and BODY is bytes: a byte count, exactly
# right. (len() of the str would count characters: wrong.)
RESPONSE = (
    b'HTTP/1.1 200 OK\r\n'
    b'Content-Type: text/plain; charset=utf-8\r\n'
    b'Content-Length: %d\r\n'
    b'Connection: close\r\n'
    b'\r\n' % len(BODY)
) + BODY


def handle(conn):
    # Whatever the request says, the answer is the same; but we wait for
    # its whole head first, so we never answer half a request.
    conn.settimeout(10.0)
    try:
        head = read_head(conn)
        if head is None:
            conn.close()
            return
        # The request is untrusted bytes: repr() escapes control bytes.
        print(f'read a {len(head)}-byte request: {head!r}', flush=True)
        conn.sendall(RESPONSE)
    except OSError as err:
        print(f'connection failed: {err}', flush=True)
    close_politely(conn)


def read_head(conn):
    """Read until the blank line (\\r\\n\\r\\n) that ends a request's head.
    TCP may hand us the request in several pieces, so one recv is not
    always the whole request. Returns None if the client closed first."""
    head = b''
    while b'\r\n\r\n' not in head:
        if len(head) > MAX_HEAD:
            return None  # no head is this long: give up on this client
        data = conn.recv(4096)
        if not data:
            return None
        head += data
    return head


def close_politely(conn):
    """End the connection without a reset. Closing a socket while bytes
    from the client still sit unread in it makes the kernel send a RST,
    which can wipe out a response the client has not read yet. So we send
    our FIN first (shutdown), then drop what the client still sends until
    it closes too, or 2 s pass."""
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(2.0)
        while conn.recv(4096):
            pass
    except OSError:
        pass
    conn.close()


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once
    server.bind(('localhost', PORT))
    server.listen()
    print(f'listening on localhost:{PORT}', flush=True)
    while True:
        conn, _ = server.accept()
        # One thread per connection: a slow client holds up only itself.
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
