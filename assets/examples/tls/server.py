"""The server of the tls lesson, in Python: the hello server behind TLS.

The ssl module does the handshake and the encryption; the HTTP inside is
written by hand. Python cannot make a certificate by itself, so at
start-up this runs openssl once to make a self-signed one (ECDSA P-256,
for localhost, 127.0.0.1, ::1 and secret.example) in a temporary
directory.

    PORT=3001 python3 server.py
    curl -vk https://localhost:3001/
"""
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

PORT = int(os.environ.get('PORT') or 3001)  # tubes itself uses 3000
MAX_HEAD = 8 * 1024
BODY = 'Hello, world! 🎉'.encode()
RESPONSE = (
    b'HTTP/1.1 200 OK\r\n'
    b'Content-Type: text/plain; charset=utf-8\r\n'
    + f'Content-Length: {len(BODY)}\r\n'.encode()  # bytes, not characters
    + b'Connection: close\r\n'
    b'\r\n' + BODY
)


def tls_context():
    """A server context with a fresh self-signed certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_alpn_protocols(['http/1.1'])  # ALPN: HTTP/1.1, not h2
    with tempfile.TemporaryDirectory() as d:
        key, cert = os.path.join(d, 'key.pem'), os.path.join(d, 'cert.pem')
        try:
            subprocess.run(
                ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
                 '-nodes', '-days', '30', '-subj', '/CN=localhost', '-keyout', key, '-out', cert,
                 '-addext', 'subjectAltName=DNS:localhost,DNS:secret.example,IP:127.0.0.1,IP:::1'],
                check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as err:
            sys.exit(f'cannot make a certificate with openssl (is it installed?): {err}')
        ctx.load_cert_chain(cert, key)
    return ctx


def handle(raw, ctx):
    with raw:
        raw.settimeout(10)
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as err:
            print(f'TLS handshake failed: {err}', flush=True)
            return
        with conn:
            print(f'{conn.version()}, {conn.cipher()[0]}, ALPN {conn.selected_alpn_protocol()!r}', flush=True)
            head = b''
            try:
                while b'\r\n\r\n' not in head:
                    data = conn.recv(4096)
                    if not data or len(head) > MAX_HEAD:
                        return
                    head += data
                line = head.split(b'\r\n', 1)[0]
                print(f'decrypted request: {line!r}', flush=True)
                conn.sendall(RESPONSE)
                conn.unwrap()  # close_notify, the encrypted "no more from me"
            except (ssl.SSLError, OSError) as err:
                print(f'connection failed: {err}', flush=True)


def main():
    ctx = tls_context()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('127.0.0.1', PORT))
    server.listen()
    print(f'listening on 127.0.0.1:{PORT} (TLS)', flush=True)
    while True:
        raw, _ = server.accept()
        threading.Thread(target=handle, args=(raw, ctx), daemon=True).start()


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass  # Ctrl+C: stop quietly
