"""Streaming multipart/form-data parser (RFC 7578) with constant memory.

The parser reads the body in 1 MiB pieces into one preallocated buffer and
passes each part's data to a writer as memoryviews, so a multi-GB file part
is hashed on the fly and never held in memory.
"""

from urllib.parse import unquote

READ_SIZE = 1 << 20
MAX_HEADER_BLOCK = 16 << 10
BUFFER_SIZE = READ_SIZE + 4 * MAX_HEADER_BLOCK


class MultipartError(ValueError):
    """A multipart body that does not follow RFC 7578 framing."""


class PartInfo:
    """Headers of one part: the form field `name`, the optional `filename` and `content_type`."""

    def __init__(self, headers):
        self.headers = headers
        disposition, params = parse_header_params(headers.get("content-disposition", ""))
        if disposition.lower() != "form-data" or "name" not in params:
            raise MultipartError("part has no 'Content-Disposition: form-data; name=...' header")
        self.name = params["name"]
        self.filename = params.get("filename*", params.get("filename"))
        self.content_type = headers.get("content-type", "text/plain")


def parse_header_params(value):
    """Split 'type; key=value; key="quoted"' into (type, {key: value}), decoding RFC 8187 `key*` values."""
    items = []
    current = []
    quoted = False
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    params = {}
    for item in items[1:]:
        key, _, raw = item.partition("=")
        key = key.strip().lower()
        raw = raw.strip()
        if key.endswith("*"):
            charset, _, rest = raw.partition("'")
            _, _, encoded = rest.partition("'")
            raw = unquote(encoded, encoding=charset or "utf-8", errors="replace")
        params[key] = raw
    return items[0].strip(), params


def parse_boundary(content_type):
    """Return the boundary bytes of a multipart/form-data Content-Type header value."""
    media_type, params = parse_header_params(content_type or "")
    if media_type.lower() != "multipart/form-data":
        raise MultipartError(f"Content-Type must be multipart/form-data, got {media_type or 'none'!r}")
    boundary = params.get("boundary", "")
    if not 1 <= len(boundary) <= 70:
        raise MultipartError("multipart boundary is missing or longer than 70 characters")
    return boundary.encode("latin-1")


def _decode_headers(block):
    headers = {}
    for line in bytes(block).split(b"\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise MultipartError(f"invalid part header line {line[:60]!r}")
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        headers[name.decode("latin-1").strip().lower()] = text.strip()
    return headers


class _Buffer:
    """A fixed buffer holding the unparsed bytes buffer[position:end] of the body."""

    def __init__(self, body, initial=b""):
        self.body = body
        self.data = bytearray(BUFFER_SIZE)
        self.view = memoryview(self.data)
        self.data[:len(initial)] = initial
        self.position = 0
        self.end = len(initial)

    def fill(self):
        """Move the unparsed bytes to the front, read more and return the count read (0 at the end)."""
        if self.position:
            pending = self.end - self.position
            self.data[:pending] = self.data[self.position:self.end]
            self.position = 0
            self.end = pending
        room = min(READ_SIZE, BUFFER_SIZE - self.end)
        if room <= 0:
            raise MultipartError("multipart header block is too large")
        count = self.body.readinto(self.view[self.end:self.end + room])
        self.end += count
        return count

    def ensure(self, count):
        while self.end - self.position < count:
            if not self.fill():
                raise MultipartError("multipart body ends inside a boundary line")

    def find(self, needle):
        return self.data.find(needle, self.position, self.end)


def parse_multipart(body, boundary, open_part):
    """Parse a multipart body from `body` (an object with readinto).

    For each part, `open_part(PartInfo)` returns a writer whose `write(view)`
    receives the part data in pieces and whose `close()` is called after the
    last piece. The memoryviews passed to `write` are only valid during the
    call. Raises MultipartError on bad framing or a truncated body.
    """
    # A leading CRLF makes the first boundary line match the same delimiter as the others.
    buffer = _Buffer(body, b"\r\n")
    delimiter = b"\r\n--" + boundary
    keep = len(delimiter) - 1

    while True:
        index = buffer.find(delimiter)
        if index >= 0:
            buffer.position = index + len(delimiter)
            break
        buffer.position = max(buffer.position, buffer.end - keep)
        if not buffer.fill():
            raise MultipartError("multipart body contains no boundary line")

    while True:
        buffer.ensure(2)
        if buffer.data[buffer.position:buffer.position + 2] == b"--":
            return
        while buffer.data[buffer.position:buffer.position + 1] in (b" ", b"\t"):
            buffer.position += 1
            buffer.ensure(2)
        if buffer.data[buffer.position:buffer.position + 2] != b"\r\n":
            raise MultipartError("boundary line is not followed by CRLF")

        # Search from the boundary line's CRLF so a part with no headers ends at once.
        while True:
            header_end = buffer.find(b"\r\n\r\n")
            if header_end >= 0:
                break
            if buffer.end - buffer.position > MAX_HEADER_BLOCK:
                raise MultipartError("multipart header block is too large")
            if not buffer.fill():
                raise MultipartError("multipart body ends inside part headers")
        headers = _decode_headers(buffer.view[buffer.position + 2:header_end])
        buffer.position = header_end + 4
        writer = open_part(PartInfo(headers))

        while True:
            index = buffer.find(delimiter)
            if index >= 0:
                if index > buffer.position:
                    writer.write(buffer.view[buffer.position:index])
                buffer.position = index + len(delimiter)
                break
            safe_end = buffer.end - keep
            if safe_end > buffer.position:
                writer.write(buffer.view[buffer.position:safe_end])
                buffer.position = safe_end
            if not buffer.fill():
                raise MultipartError("multipart body ends inside a part")
        writer.close()
