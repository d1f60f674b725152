"""HTTP/1.1 server base shared by the fakes: keep-alive, streamed bodies, JSON replies, startup and SIGTERM."""

import json
import re
import signal
import time
import os
import socket
import struct
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import body as bodylib

# Values of these query parameters never reach the log.
_SECRET_QUERY = re.compile(r"(?i)\b(apiKey|sessionID|api_secret|client_secret|jwt_token|signature)=[^&\s]*")


def redact(text):
    """Replace credential values in a request line or URL with REDACTED."""
    return _SECRET_QUERY.sub(lambda match: match.group(1) + "=REDACTED", text)


class FakeServer(ThreadingHTTPServer):
    """Threading server on 127.0.0.1 with one daemon thread per connection."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port, handler_class, verbose=False, latency=0.0):
        self.verbose = verbose
        # Seconds to wait before responding to each service request, as a
        # round trip to the real service over the internet takes.
        self.latency = latency
        super().__init__(("127.0.0.1", port), handler_class)

    def log(self, message):
        print(message, file=sys.stderr, flush=True)

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            if self.verbose:
                self.log(f"connection from {client_address[0]}:{client_address[1]} ended: {error!r}")
            return
        self.log(f"error while serving {client_address[0]}:{client_address[1]}:")
        traceback.print_exc(file=sys.stderr)


class FakeRequestHandler(BaseHTTPRequestHandler):
    """Request handler base: parses the URL, opens the body and dispatches to `route()`.

    Subclasses implement `route()` using `self.method`, `self.url_path`,
    `self.query` (a list of (name, value) pairs) and `self.body`. After
    `route()` returns, any unread body is drained so the connection stays
    usable for the next request.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "FakeServer/1.0"

    def date_time_string(self, timestamp=None):
        """Return the Date header, shifted by $FAKE_CLOCK_OFFSET seconds to play a server with a wrong clock."""
        if timestamp is None:
            timestamp = time.time() + float(os.environ.get("FAKE_CLOCK_OFFSET", "0"))
        return super().date_time_string(timestamp)

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _dispatch(self):
        self.method = self.command.upper()
        self._headers_sent = False
        url = urlsplit(self.path)
        self.url_path = unquote(url.path)
        self.query = parse_qsl(url.query, keep_blank_values=True)
        if self.server.latency and not self.url_path.startswith("/_fake/"):
            time.sleep(self.server.latency)
        try:
            self.body = bodylib.open_body(self.headers, self.rfile)
        except bodylib.BodyError as error:
            self.close_connection = True
            self.send_error_body(400, str(error))
            return
        try:
            self.route()
            if not self.body.complete and not self.close_connection:
                bodylib.drain(self.body)
        except bodylib.BodyError as error:
            self.close_connection = True
            self.log_message("invalid request body: %s", error)
            if not self._headers_sent:
                self.send_error_body(400, str(error))

    def route(self):
        raise NotImplementedError

    def send_error_body(self, status, message):
        """Send a plain JSON error for problems found before the fake-specific routing."""
        self.send_json(status, {"error": {"message": message}})

    # Responses

    def send_head(self, status, content_type=None, length=None, headers=()):
        """Send the status line and headers.

        `length` None means a chunked body, or for an HTTP/1.0 client a body
        that ends when the connection closes.
        """
        self._headers_sent = True
        self._chunked = length is None and self.request_version != "HTTP/1.0"
        if length is None and not self._chunked:
            self.close_connection = True
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if self._chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def send_bytes(self, status, data, content_type, headers=()):
        self.send_head(status, content_type, len(data), headers)
        self.wfile.write(data)

    def send_json(self, status, payload, headers=()):
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_bytes(status, data, "application/json; charset=utf-8", headers)

    def write_chunk(self, data):
        """Write one piece of a body sent without Content-Length. An empty `data` ends the body."""
        if not self._chunked:
            self.wfile.write(data)
        elif len(data):
            self.wfile.write(b"%x\r\n" % len(data))
            self.wfile.write(data)
            self.wfile.write(b"\r\n")
        else:
            self.wfile.write(b"0\r\n\r\n")

    def reset_connection(self):
        """Close the socket with a TCP RST (SO_LINGER 0) so the client sees an abrupt failure."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    # Request helpers

    def read_body(self, limit=16 << 20):
        return bodylib.read_all(self.body, limit)

    def log_message(self, format, *args):
        if self.server.verbose:
            self.server.log(f"{self.address_string()} {redact(format % args)}")

    def log_request(self, code="-", size="-"):
        if self.server.verbose:
            self.server.log(f"{self.address_string()} {redact(self.requestline)} -> {code}")


def add_latency_argument(parser):
    """Add `--latency MS`, the wait before the response to each service request."""
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS",
                        help="wait this many milliseconds before responding to each request outside /_fake/ (default: 0)")


def serve(server, on_start=None):
    """Print the LISTENING line, serve until SIGTERM or SIGINT, then close the socket and return 0."""

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # A parent may start us with these signals blocked (a child inherits the
    # spawning thread's mask, and Swift's Process does not reset it).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    port = server.server_address[1]
    print(f"LISTENING http://127.0.0.1:{port}", flush=True)
    if on_start:
        on_start()
    try:
        server.serve_forever(poll_interval=0.2)
    except SystemExit:
        pass
    finally:
        server.server_close()
    if server.verbose:
        server.log("stopped")
    return 0
