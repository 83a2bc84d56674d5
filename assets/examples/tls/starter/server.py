"""Starter for the tls lesson: the hello server behind TLS, in Python.

It runs and accepts connections; the lesson's work is yours (the TODOs).

    PORT=3001 python3 server.py
    tubes check --lesson tls --target localhost:3001
"""
import os
import socket
import threading

# $PORT picks the port; 3001 by default (tubes itself uses 3000).
PORT = int(os.environ.get('PORT') or 3001)

# TODO: Make a self-signed certificate at start-up: Python cannot, so run
#       openssl once with subprocess.run:
#         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
#           -days 30 -subj /CN=localhost -keyout key.pem -out cert.pem
#           -addext subjectAltName=DNS:localhost,DNS:secret.example,IP:127.0.0.1,IP:::1
# TODO: Make an ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), load_cert_chain()
#       the two files, and set_alpn_protocols(['http/1.1']).


def handle(conn):
    """Read what the client sends and log it, until the client closes."""
    # TODO: Wrap the socket first: ctx.wrap_socket(conn, server_side=True)
    #       does the handshake; then recv() returns decrypted bytes.
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return  # the client closed its side
            # Without TLS these are the ClientHello's bytes: 16 03 01 ...
            # repr() escapes control bytes: they came from the network.
            print(f'read {len(data)} bytes: {data!r}', flush=True)
            # TODO: Once the request's head has arrived ("\r\n\r\n"), send
            #       the hello response of the http-response lesson and close.


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
