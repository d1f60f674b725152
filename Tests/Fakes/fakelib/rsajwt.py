"""RS256 JWT verification in pure Python: a minimal DER reader, RSA public keys from PEM, PKCS#1 v1.5."""

import base64
import binascii
import hashlib
import hmac
import json

RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1
# DER of DigestInfo { AlgorithmIdentifier { sha256, NULL }, OCTET STRING (32 bytes) } before the digest (RFC 8017, 9.2).
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
MAX_LIFETIME_SECONDS = 24 * 3600

_B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
TAG_INTEGER, TAG_BIT_STRING, TAG_NULL, TAG_OID, TAG_SEQUENCE = 0x02, 0x03, 0x05, 0x06, 0x30


class PublicKeyError(ValueError):
    """A public key that cannot be parsed."""


class JWTError(ValueError):
    """A JWT that fails a check named in the message."""


def read_der(data, offset):
    """Read one DER element at `offset` and return (tag, content start, content end)."""
    if offset + 2 > len(data):
        raise PublicKeyError("DER element is truncated")
    tag = data[offset]
    length = data[offset + 1]
    position = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or position + count > len(data):
            raise PublicKeyError("DER length is invalid")
        length = int.from_bytes(data[position:position + count], "big")
        position += count
    end = position + length
    if end > len(data):
        raise PublicKeyError("DER element is longer than its container")
    return tag, position, end


def read_sequence(data, offset, end):
    """Return the (tag, start, end) children of the constructed element content data[offset:end]."""
    children = []
    while offset < end:
        tag, start, child_end = read_der(data, offset)
        children.append((tag, start, child_end))
        offset = child_end
    return children


def parse_rsa_public_key_der(der):
    """Return (n, e) from DER SubjectPublicKeyInfo or PKCS#1 RSAPublicKey."""
    tag, start, end = read_der(der, 0)
    if tag != TAG_SEQUENCE:
        raise PublicKeyError("public key is not a DER SEQUENCE")
    children = read_sequence(der, start, end)
    if len(children) == 2 and children[0][0] == TAG_INTEGER and children[1][0] == TAG_INTEGER:
        return _rsa_integers(der, children)
    if len(children) != 2 or children[0][0] != TAG_SEQUENCE or children[1][0] != TAG_BIT_STRING:
        raise PublicKeyError("public key is neither SubjectPublicKeyInfo nor RSAPublicKey")
    algorithm = read_sequence(der, children[0][1], children[0][2])
    if not algorithm or algorithm[0][0] != TAG_OID or der[algorithm[0][1]:algorithm[0][2]] != RSA_ENCRYPTION_OID:
        raise PublicKeyError("public key algorithm is not rsaEncryption")
    _, bits_start, bits_end = children[1]
    if der[bits_start] != 0:
        raise PublicKeyError("public key BIT STRING has unused bits")
    inner = der[bits_start + 1:bits_end]
    tag, start, end = read_der(inner, 0)
    if tag != TAG_SEQUENCE:
        raise PublicKeyError("RSAPublicKey is not a SEQUENCE")
    return _rsa_integers(inner, read_sequence(inner, start, end))


def _rsa_integers(data, children):
    if len(children) != 2 or any(tag != TAG_INTEGER for tag, _, _ in children):
        raise PublicKeyError("RSAPublicKey must contain exactly two INTEGERs")
    modulus, exponent = (int.from_bytes(data[start:end], "big") for _, start, end in children)
    if modulus < 2 ** 1023 or exponent < 3:
        raise PublicKeyError("RSA key is too small (modulus below 1024 bits or exponent below 3)")
    return modulus, exponent


def load_rsa_public_key_pem(text):
    """Return (n, e) from PEM text with a PUBLIC KEY or RSA PUBLIC KEY block."""
    lines = [line.strip() for line in text.strip().splitlines()]
    try:
        begin = next(i for i, line in enumerate(lines) if line in ("-----BEGIN PUBLIC KEY-----", "-----BEGIN RSA PUBLIC KEY-----"))
        end = next(i for i in range(begin + 1, len(lines)) if lines[i].startswith("-----END "))
    except StopIteration:
        raise PublicKeyError("no BEGIN PUBLIC KEY / END block found in PEM text") from None
    try:
        der = base64.b64decode("".join(lines[begin + 1:end]), validate=True)
    except binascii.Error as error:
        raise PublicKeyError(f"PEM body is not valid base64: {error}") from None
    return parse_rsa_public_key_der(der)


def verify_rs256(public_key, message, signature):
    """Return True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message`."""
    modulus, exponent = public_key
    size = (modulus.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    value = int.from_bytes(signature, "big")
    if value >= modulus:
        return False
    encoded = pow(value, exponent, modulus).to_bytes(size, "big")
    digest_info = SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()
    padding_length = size - 3 - len(digest_info)
    if padding_length < 8:
        return False
    expected = b"\x00\x01" + b"\xff" * padding_length + b"\x00" + digest_info
    return hmac.compare_digest(encoded, expected)


def b64url_decode(text, what):
    if not isinstance(text, str) or not text or any(c not in _B64URL_ALPHABET for c in text):
        raise JWTError(f"JWT {what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JWTError(f"JWT {what} is not base64url") from None


def _json_object(data, what):
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise JWTError(f"JWT {what} is not JSON") from None
    if not isinstance(value, dict):
        raise JWTError(f"JWT {what} is not a JSON object")
    return value


def verify_jwt(token, public_key, issuer, subject, now):
    """Verify an RS256 JWT as Workfront's exchange does and return its claims, or raise JWTError.

    Checks, in order: three parts, header alg RS256, the signature, iss ==
    `issuer`, sub == `subject`, and exp a number after `now` but at most 24 h
    after it.
    """
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise JWTError("JWT must have three dot-separated parts")
    header = _json_object(b64url_decode(parts[0], "header"), "header")
    if header.get("alg") != "RS256":
        raise JWTError(f"JWT header alg is {header.get('alg')!r}, expected 'RS256'")
    signature = b64url_decode(parts[2], "signature")
    if not verify_rs256(public_key, (parts[0] + "." + parts[1]).encode("ascii"), signature):
        raise JWTError("JWT signature does not verify with the configured public key")
    claims = _json_object(b64url_decode(parts[1], "payload"), "payload")
    if claims.get("iss") != issuer:
        raise JWTError("JWT claim iss does not match the customer ID")
    if claims.get("sub") != subject:
        raise JWTError("JWT claim sub does not match the user ID")
    expires = claims.get("exp")
    if isinstance(expires, bool) or not isinstance(expires, (int, float)):
        raise JWTError("JWT claim exp is missing or not a number")
    if expires <= now:
        raise JWTError(f"JWT expired: exp {expires} is not after the server time {int(now)}")
    if expires > now + MAX_LIFETIME_SECONDS:
        raise JWTError(f"JWT claim exp {expires} is more than 24 hours after the server time {int(now)}")
    return claims
