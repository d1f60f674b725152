"""Helpers for tests that run the fakes as separate processes and talk to them over HTTP."""

import base64
import http.client
import json
import os
import select
import signal
import subprocess
import sys
import time

FAKES_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FakeProcess:
    """A fake started with `python3 Tests/Fakes/<script> ARGS`, whose base URL is `url` once it listens."""

    def __init__(self, script, arguments, startup_timeout=15):
        self.process = subprocess.Popen([sys.executable, os.path.join(FAKES_DIR, script)] + list(arguments),
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        ready, _, _ = select.select([self.process.stdout], [], [], startup_timeout)
        line = self.process.stdout.readline().decode().strip() if ready else ""
        if not line.startswith("LISTENING http://127.0.0.1:"):
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"{script} did not print its LISTENING line within {startup_timeout} s: {line!r}")
        self.url = line.split(" ", 1)[1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def connection(self, timeout=60):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        """Send one request on a new connection and return (status, headers, body bytes)."""
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def json(self, method, path, body=None, headers=None):
        """Send one request and return (status, parsed JSON body)."""
        status, _, data = self.request(method, path, body, headers)
        return status, json.loads(data)

    def state(self):
        return self.json("GET", "/_fake/state")[1]

    def stop(self, timeout=10):
        """Send SIGTERM and return the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        return self.process.returncode


def make_rsa_key(directory):
    """Create an RSA key pair with the openssl CLI and return (private key path, public key path)."""
    private_path = os.path.join(directory, "jwt-private.pem")
    public_path = os.path.join(directory, "jwt-public.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", private_path], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", private_path, "-pubout", "-out", public_path],
                   check=True, capture_output=True)
    return private_path, public_path


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(private_key_path, claims, header=None):
    """Build an RS256 JWT whose signature comes from `openssl dgst -sha256 -sign`."""
    header = header or {"alg": "RS256", "typ": "JWT"}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signed = subprocess.run(["openssl", "dgst", "-sha256", "-sign", private_key_path],
                            input=signing_input.encode(), check=True, capture_output=True)
    return signing_input + "." + b64url(signed.stdout)


def workfront_claims(customer_id, user_id, lifetime=300):
    return {"iss": customer_id, "sub": user_id, "exp": int(time.time()) + lifetime}


def multipart_head(boundary, fields, filename, content_type="application/octet-stream"):
    """Return the multipart bytes that precede the file data: text fields, then the file part headers."""
    head = bytearray()
    for name, value in fields.items():
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode()
        head += str(value).encode("utf-8") + b"\r\n"
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
             f"Content-Type: {content_type}\r\n\r\n").encode("utf-8")
    return bytes(head)


def multipart_tail(boundary):
    return f"\r\n--{boundary}--\r\n".encode()
