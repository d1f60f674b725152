"""Unit checks of fakelib: signature strings, context lists, multipart and chunked parsing, RSA, content."""

import hashlib
import io
import json
import random
import re
import subprocess
import tempfile
import unittest

import cloudinary.utils

from fakelib import body as bodylib
from fakelib import cloudinary_params as cp
from fakelib import multipart, rsajwt
from fakelib.content import BASE_SIZE, BLOCK_SIZE, GeneratedContent, base_block, digest
from fakelib.testing import b64url, make_rsa_key
from fakelib.workfront_query import parse_fields, split_path
from fakelib.workfront_store import workfront_date


class SignatureTest(unittest.TestCase):
    def test_documented_vectors(self):
        text = "cloud_name=dn6ot3ged&timestamp=1568810420&username=user@cloudinary.com"
        self.assertEqual(cp.sign(text, "hdcixPpR2iKERPwqvH6sHdK9cyac", "sha1"),
                         "14c00ba6d0dfdedbc86b316847d95b9e6cd46d94")
        self.assertEqual(cp.sign(text, "hdcixPpR2iKERPwqvH6sHdK9cyac", "sha256"),
                         "45ddaa4fa01f0c2826f32f669d2e4514faf275fe6df053f1a150e7beae58a3bd")
        params = {"public_id": "sample_image", "timestamp": "1315060510"}
        self.assertEqual(cp.sign(cp.string_to_sign(params), "abcd", "sha1"), "b4ad47fb4e25c7bf5f92a20089f9db59bc302313")

    def test_matches_sdk_on_special_characters(self):
        alphabet = "ab&=|,\\ üß☃%+"
        generator = random.Random(7)
        for _ in range(200):
            params = {name: "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
                      for name in ("public_id", "context", "tags", "display_name", "metadata")}
            params["timestamp"] = "1700000000"
            for algorithm in ("sha1", "sha256"):
                expected = cloudinary.utils.api_sign_request(dict(params), "s3cr&t", algorithm)
                self.assertEqual(cp.sign(cp.string_to_sign(params), "s3cr&t", algorithm), expected, params)

    def test_unsigned_params_left_out(self):
        params = {"timestamp": "1", "file": "x", "cloud_name": "c", "resource_type": "image", "api_key": "k",
                  "signature": "s", "public_id": ""}
        self.assertEqual(cp.string_to_sign(params), "timestamp=1")

    def test_pipe_list_round_trip(self):
        context = {"caption": "a=b|c", "alt": "Grüße & co", "path": "C:\\dir"}
        self.assertEqual(cp.parse_pipe_list(cloudinary.utils.encode_context(context)), context)
        self.assertEqual(cp.parse_pipe_list(""), {})


class ChunkedBodyTest(unittest.TestCase):
    def read(self, raw):
        reader = bodylib.ChunkedBody(io.BufferedReader(io.BytesIO(raw)))
        return bodylib.read_all(reader, 1 << 20)

    def test_extensions_and_trailers(self):
        raw = b"5;name=value\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: 1\r\n\r\n"
        self.assertEqual(self.read(raw), b"hello world!")

    def test_malformed_chunks(self):
        for raw in (b"zz\r\nhello\r\n0\r\n\r\n", b"5\r\nhelloXX0\r\n\r\n", b"5\r\nhel", b"5\r\nhello\r\n"):
            with self.subTest(raw=raw):
                with self.assertRaises(bodylib.BodyError):
                    self.read(raw)


class TrickleReader:
    """A body that returns a random small number of bytes per read, to cross every buffer boundary."""

    def __init__(self, data, generator, largest):
        self.file = io.BytesIO(data)
        self.generator = generator
        self.largest = largest

    def readinto(self, buffer):
        view = memoryview(buffer)[:self.generator.randint(1, self.largest)]
        return self.file.readinto(view)


class Collector:
    def __init__(self, info, parts):
        self.info = info
        self.data = bytearray()
        parts.append(self)

    def write(self, view):
        self.data += view

    def close(self):
        pass


class MultipartTest(unittest.TestCase):
    def parse(self, raw, boundary=b"b0undary", largest=1 << 20, seed=0):
        parts = []
        reader = TrickleReader(raw, random.Random(seed), largest)
        multipart.parse_multipart(reader, boundary, lambda info: Collector(info, parts))
        return [(part.info.name, part.info.filename, bytes(part.data)) for part in parts]

    def test_random_parts_and_reads(self):
        generator = random.Random(3)
        for trial in range(200):
            expected = []
            raw = b"preamble\r\n"
            for index in range(generator.randint(1, 4)):
                data = bytes(generator.choice(b"\r\n-b0undary") for _ in range(generator.randint(0, 2000)))
                filename = f"f{index}.bin" if index % 2 else None
                disposition = f'form-data; name="p{index}"' + (f'; filename="{filename}"' if filename else "")
                raw += f"--b0undary\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
                expected.append((f"p{index}", filename, data))
            raw += b"--b0undary--\r\nepilogue"
            self.assertEqual(self.parse(raw, largest=generator.choice([1, 7, 300, 1 << 20]), seed=trial), expected)

    def test_rfc8187_filename(self):
        raw = (b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jpg\"; "
               b"filename*=UTF-8''Gr%C3%BC%C3%9Fe.jpg\r\n\r\nabc\r\n--b0undary--\r\n")
        self.assertEqual(self.parse(raw), [("file", "Grüße.jpg", b"abc")])

    def test_framing_errors(self):
        cases = {
            "no boundary": b"just text",
            "truncated part": b"--b0undary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc",
            "no disposition": b"--b0undary\r\nX-Other: 1\r\n\r\nabc\r\n--b0undary--\r\n",
            "garbage after boundary": b"--b0undaryXX\r\n",
        }
        for name, raw in cases.items():
            with self.subTest(name):
                with self.assertRaises(multipart.MultipartError):
                    self.parse(raw)

    def test_boundary_from_content_type(self):
        self.assertEqual(multipart.parse_boundary('multipart/form-data; boundary="a b"'), b"a b")
        with self.assertRaises(multipart.MultipartError):
            multipart.parse_boundary("application/json")


class RsaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory()
        cls.private_key, cls.public_path = make_rsa_key(cls.temp.name)
        with open(cls.public_path, encoding="ascii") as file:
            cls.key = rsajwt.load_rsa_public_key_pem(file.read())

    @classmethod
    def tearDownClass(cls):
        cls.temp.cleanup()

    def raw_sign(self, encoded_message):
        """Apply the raw RSA private-key operation to an already padded message, so tests can forge paddings.

        `pkeyutl -sign` would treat the input as a digest, so this uses
        `-decrypt` without padding, which is the same modular exponentiation.
        """
        return subprocess.run(["openssl", "pkeyutl", "-decrypt", "-inkey", self.private_key, "-pkeyopt",
                               "rsa_padding_mode:none"], input=encoded_message, check=True,
                              capture_output=True).stdout

    def test_pkcs1_public_key_form(self):
        pkcs1 = subprocess.run(["openssl", "rsa", "-pubin", "-in", self.public_path, "-RSAPublicKey_out"],
                               check=True, capture_output=True, text=True).stdout
        self.assertEqual(rsajwt.load_rsa_public_key_pem(pkcs1), self.key)

    def test_padding_checked_in_full(self):
        message = b"header.payload"
        size = (self.key[0].bit_length() + 7) // 8
        digest_info = rsajwt.SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()
        good = b"\x00\x01" + b"\xff" * (size - 3 - len(digest_info)) + b"\x00" + digest_info
        self.assertTrue(rsajwt.verify_rs256(self.key, message, self.raw_sign(good)))
        sha1_info = bytes.fromhex("3021300906052b0e03021a05000414") + hashlib.sha1(message).digest()
        forged = {
            "SHA-1 DigestInfo": b"\x00\x01" + b"\xff" * (size - 3 - len(sha1_info)) + b"\x00" + sha1_info,
            "zero padding byte": good[:5] + b"\x00" + good[6:],
            "block type 2": b"\x00\x02" + good[2:],
            "trailing garbage": b"\x00\x01" + b"\xff" * 8 + b"\x00" + digest_info + b"\x00" * (size - 11 - len(digest_info)),
        }
        for name, encoded in forged.items():
            with self.subTest(name):
                self.assertEqual(len(encoded), size)
                self.assertFalse(rsajwt.verify_rs256(self.key, message, self.raw_sign(encoded)))

    def test_jwt_parse_errors(self):
        header = b64url(json.dumps({"alg": "RS256"}).encode())
        for token, reason in (("a.b", "three"), ("!!.e30.e30", "base64url"), (header + ".e30.", "base64url")):
            with self.subTest(token=token):
                with self.assertRaisesRegex(rsajwt.JWTError, reason):
                    rsajwt.verify_jwt(token, self.key, "i", "s", 0)

    def test_bad_der_rejected(self):
        for der in (b"", b"\x30\x05\x02\x01", b"\x04\x00"):
            with self.subTest(der=der):
                with self.assertRaises(rsajwt.PublicKeyError):
                    rsajwt.parse_rsa_public_key_der(der)


class ContentTest(unittest.TestCase):
    def test_generated_content_definition(self):
        size = BASE_SIZE * 2 + 12345
        data = b"".join(bytes(chunk) for chunk in GeneratedContent(size, "seed-1").iter_chunks())
        base = hashlib.shake_256(b"wf2cloudinary-fake:seed-1").digest(BASE_SIZE)
        self.assertEqual(base, base_block("seed-1"))
        self.assertEqual(len(data), size)
        for offset in (8, 100, BLOCK_SIZE + 8, BASE_SIZE + 999, size - 1):
            self.assertEqual(data[offset], base[offset % BASE_SIZE])
        for block in range(0, size // BLOCK_SIZE + 1):
            start = block * BLOCK_SIZE
            self.assertEqual(data[start:start + 8], block.to_bytes(8, "big")[:len(data[start:start + 8])])
        self.assertEqual(digest(GeneratedContent(size, "seed-1")),
                         {"md5": hashlib.md5(data).hexdigest(), "size": size})
        self.assertNotEqual(digest(GeneratedContent(size, "seed-2"))["md5"], hashlib.md5(data).hexdigest())


class WorkfrontQueryTest(unittest.TestCase):
    def test_paths_and_fields(self):
        self.assertEqual(split_path("documents:currentVersion:fileName"), ["documents", "currentVersion", "fileName"])
        self.assertEqual(split_path("project:DE:Campaign Name"), ["project", "DE:Campaign Name"])
        self.assertEqual(parse_fields(["ID,documents:currentVersion", "project:name"]),
                         {"ID": {}, "documents": {"currentVersion": {}}, "project": {"name": {}}})

    def test_date_format(self):
        self.assertRegex(workfront_date(1779145200.5), re.compile(r"^2026-05-18T17:00:00:500-0600$"))


if __name__ == "__main__":
    unittest.main()
