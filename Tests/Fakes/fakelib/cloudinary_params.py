"""Cloudinary Upload API parameter rules: signature version 2, context/metadata strings, resource types."""

import hashlib
import posixpath
from urllib.parse import quote

# Parameters that the Upload API leaves out of the signature.
UNSIGNED_PARAMS = frozenset({"file", "cloud_name", "resource_type", "api_key", "signature"})

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "png", "gif", "webp", "avif", "bmp", "ico", "heic", "heif",
                              "tif", "tiff", "psd", "svg", "eps", "ai", "pdf"})
VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "webm", "m4v", "mkv", "avi", "ogv", "mpeg", "mpg", "3gp",
                              "mp3", "wav", "m4a", "aac", "ogg", "flac"})


def string_to_sign(params):
    """Build the version 2 string to sign from {name: value} text parameters.

    The rules match `cloudinary.utils.api_string_to_sign` of the Python SDK
    1.46. Parameters in UNSIGNED_PARAMS and empty values are dropped. Each
    pair is written `name=value` with every `&` replaced by `%26`. The pair
    strings (not the names) are sorted by code point and joined with `&`.
    """
    pairs = []
    for name, value in params.items():
        if name in UNSIGNED_PARAMS or value == "":
            continue
        pairs.append(f"{name}={value}".replace("&", "%26"))
    return "&".join(sorted(pairs))


def sign(text, secret, algorithm):
    """Return the lower-case hex SHA-1 or SHA-256 of text + secret."""
    return hashlib.new(algorithm, (text + secret).encode("utf-8")).hexdigest()


def parse_pipe_list(text):
    """Parse 'key=value|key=value' into a dict, as sent in `context` and `metadata`.

    A backslash before '=' or '|' makes that character literal; any other
    backslash is kept, because the SDKs escape only those two characters.
    """
    result = {}
    key, value = [], []
    current = key
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in "=|":
            current.append(text[index + 1])
            index += 2
            continue
        if char == "=" and current is key:
            current = value
        elif char == "|":
            if key or value:
                result["".join(key)] = "".join(value)
            key, value = [], []
            current = key
        else:
            current.append(char)
        index += 1
    if key or value:
        result["".join(key)] = "".join(value)
    return result


def parse_bool(value, default):
    """Read a boolean parameter sent as 1/0 or true/false, or return `default` when it is absent or empty."""
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    raise ValueError(value)


def split_filename(filename):
    """Return (base name without extension, lower-case extension) of a client path such as C:\\x\\hero.JPG."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, extension = posixpath.splitext(name)
    if not stem:
        return name, ""
    return stem, extension[1:].lower()


def detect_resource_type(extension):
    """Choose image, video or raw from the file extension as `resource_type=auto` does.

    NOTE: the real service inspects the bytes. The fake only has the
    extension, because generated test content is random data.
    """
    if extension in IMAGE_EXTENSIONS:
        return "image"
    if extension in VIDEO_EXTENSIONS:
        return "video"
    return "raw"


def extension_fits(resource_type, extension):
    """Return False when an explicit image or video upload has a file extension of another type."""
    if resource_type == "image":
        return extension in IMAGE_EXTENSIONS
    if resource_type == "video":
        return extension in VIDEO_EXTENSIONS
    return True


def delivery_url(scheme, cloud_name, resource_type, version, public_id, format_):
    """Build the res.cloudinary.com delivery URL of an uploaded asset."""
    path = quote(public_id, safe="/-_.~")
    if format_:
        path += "." + format_
    return f"{scheme}://res.cloudinary.com/{cloud_name}/{resource_type}/upload/v{version}/{path}"
