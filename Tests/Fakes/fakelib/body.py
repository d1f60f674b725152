"""Streaming readers for HTTP request bodies framed by Content-Length or chunked encoding."""

IO_CHUNK = 1 << 20
MAX_CHUNK_LINE = 4096


class BodyError(ValueError):
    """A request body that is malformed or ends before its declared length."""


class EmptyBody:
    def readinto(self, buffer):
        return 0

    @property
    def complete(self):
        return True


class LengthBody:
    """A body of exactly `length` bytes read from the buffered socket file `rfile`."""

    def __init__(self, rfile, length):
        self._rfile = rfile
        self.remaining = length

    def readinto(self, buffer):
        """Read up to len(buffer) bytes into `buffer` and return the count, 0 at the end of the body."""
        if self.remaining == 0:
            return 0
        view = memoryview(buffer)
        if len(view) > self.remaining:
            view = view[:self.remaining]
        count = self._rfile.readinto(view)
        if not count:
            raise BodyError(f"request body ended {self.remaining} bytes before its Content-Length")
        self.remaining -= count
        return count

    @property
    def complete(self):
        return self.remaining == 0


class ChunkedBody:
    """A body sent with `Transfer-Encoding: chunked`, whose trailers are read and discarded."""

    def __init__(self, rfile):
        self._rfile = rfile
        self._chunk_left = 0
        self._done = False

    def _read_line(self):
        line = self._rfile.readline(MAX_CHUNK_LINE + 1)
        if not line:
            raise BodyError("chunked request body ended before its last chunk")
        if len(line) > MAX_CHUNK_LINE or not line.endswith(b"\n"):
            raise BodyError("chunk-size line is too long")
        return line.rstrip(b"\r\n")

    def _start_chunk(self):
        size_field = self._read_line().split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            raise BodyError(f"invalid chunk size {size_field[:40]!r}") from None
        if size < 0:
            raise BodyError(f"invalid chunk size {size_field[:40]!r}")
        if size == 0:
            while self._read_line():
                pass
            self._done = True
        self._chunk_left = size

    def readinto(self, buffer):
        """Read up to len(buffer) bytes into `buffer` and return the count, 0 after the last chunk."""
        if self._done:
            return 0
        if self._chunk_left == 0:
            self._start_chunk()
            if self._done:
                return 0
        view = memoryview(buffer)
        if len(view) > self._chunk_left:
            view = view[:self._chunk_left]
        count = self._rfile.readinto(view)
        if not count:
            raise BodyError("chunked request body ended inside a chunk")
        self._chunk_left -= count
        if self._chunk_left == 0 and self._read_line() != b"":
            raise BodyError("chunk data is not followed by CRLF")
        return count

    @property
    def complete(self):
        return self._done


def open_body(headers, rfile):
    """Return a reader for the body that `headers` announce, or raise BodyError for bad framing."""
    transfer_encoding = headers.get("Transfer-Encoding", "").strip().lower()
    if transfer_encoding:
        if transfer_encoding != "chunked":
            raise BodyError(f"unsupported Transfer-Encoding {transfer_encoding!r}")
        return ChunkedBody(rfile)
    length_field = headers.get("Content-Length")
    if length_field is None:
        return EmptyBody()
    try:
        length = int(length_field.strip())
    except ValueError:
        raise BodyError(f"invalid Content-Length {length_field!r}") from None
    if length < 0:
        raise BodyError(f"invalid Content-Length {length_field!r}")
    return LengthBody(rfile, length) if length else EmptyBody()


def read_all(body, limit):
    """Read the whole body into bytes, raising BodyError when it exceeds `limit` bytes."""
    data = bytearray()
    buffer = bytearray(min(IO_CHUNK, limit + 1))
    while True:
        count = body.readinto(buffer)
        if not count:
            return bytes(data)
        data += memoryview(buffer)[:count]
        if len(data) > limit:
            raise BodyError(f"request body is larger than {limit} bytes")


def drain(body):
    """Read and discard the rest of the body so the connection can serve the next request."""
    buffer = bytearray(IO_CHUNK)
    while body.readinto(buffer):
        pass
