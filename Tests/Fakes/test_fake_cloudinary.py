"""Checks of the fake Cloudinary's upload rules over plain http.client: errors, options and framing."""

import base64
import hashlib
import json
import time
import unittest
import uuid

from fakelib import cloudinary_params as cp
from fakelib.testing import FakeProcess, multipart_head, multipart_tail

CLOUD, API_KEY, API_SECRET = "unit-cloud", "987654321", "unit-secret"


def signed(params, secret=API_SECRET, timestamp=None):
    """Return `params` plus timestamp, signature and api_key, signed like the SDKs."""
    result = dict(params)
    result["timestamp"] = str(int(time.time()) if timestamp is None else timestamp)
    result["signature"] = cp.sign(cp.string_to_sign(result), secret, "sha1")
    result["api_key"] = API_KEY
    return result


def form(params, data, filename="photo.jpg"):
    """Return (body, Content-Type) of a multipart upload request."""
    boundary = uuid.uuid4().hex
    body = multipart_head(boundary, params, filename) + data + multipart_tail(boundary)
    return body, f"multipart/form-data; boundary={boundary}"


class FakeCloudinaryUploadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeProcess("fake_cloudinary.py", ["--cloud-name", CLOUD, "--api-key", API_KEY,
                                                      "--api-secret", API_SECRET, "--max-file-size", "2000000",
                                                      "--min-chunk-size", "1000"])

    @classmethod
    def tearDownClass(cls):
        assert cls.fake.stop() == 0

    def upload(self, params, data, filename="photo.jpg", resource_type="image", cloud=CLOUD, headers=None):
        body, content_type = form(params, data, filename)
        return self.fake.json("POST", f"/v1_1/{cloud}/{resource_type}/upload", body,
                              dict({"Content-Type": content_type}, **(headers or {})))

    def test_rejections(self):
        data = b"\x89PNG" + bytes(100)
        stale = int(time.time()) - 7200
        cases = [
            ("unknown key", dict(signed({}), api_key="other"), data, 401, "Unknown API key other"),
            ("stale", signed({}, timestamp=stale), data, 401, "Stale request - reported time is "),
            ("bad signature", signed({}, secret="wrong"), data, 401, "Invalid Signature "),
            ("empty file", signed({}), b"", 400, "Empty file"),
            ("too large", signed({}), bytes(2_000_001), 400, "File size too large. Got 2000001. Maximum is 2000000."),
        ]
        for name, params, body, status, message in cases:
            with self.subTest(name):
                answer_status, answer = self.upload(params, body)
                self.assertEqual(answer_status, status)
                self.assertTrue(answer["error"]["message"].startswith(message), answer)

    def test_wrong_cloud_and_resource_type(self):
        self.assertEqual(self.upload(signed({}), b"x", cloud="other")[0], 404)
        self.assertEqual(self.upload(signed({}), b"x", resource_type="document")[0], 404)
        status, answer = self.upload(signed({}), b"x", filename="report.docx", resource_type="image")
        self.assertEqual((status, answer["error"]["message"]), (400, "Invalid image file"))

    def test_signature_error_shows_string_to_sign(self):
        params = signed({"public_id": "a&b", "context": "k=v\\|w"}, secret="wrong")
        status, answer = self.upload(params, b"data")
        self.assertEqual(status, 401)
        expected = f"context=k=v\\|w&public_id=a%26b&timestamp={params['timestamp']}"
        self.assertEqual(answer["error"]["message"], f"Invalid Signature {params['signature']}. "
                                                     f"String to sign - '{expected}'.")

    def test_auto_raw_and_overwrite_false(self):
        status, first = self.upload(signed({"overwrite": "false"}), b"hello", filename="notes.TXT",
                                    resource_type="auto")
        self.assertEqual((status, first["resource_type"]), (200, "raw"))
        self.assertTrue(first["public_id"].endswith(".txt"))
        self.assertNotIn("format", first)
        status, again = self.upload(signed({"public_id": first["public_id"], "overwrite": "0"}), b"changed",
                                    filename="notes.txt", resource_type="auto")
        self.assertEqual(status, 200)
        self.assertTrue(again["existing"])
        self.assertEqual(again["etag"], hashlib.md5(b"hello").hexdigest())
        status, replaced = self.upload(signed({"public_id": first["public_id"]}), b"changed",
                                       filename="notes.txt", resource_type="raw")
        self.assertEqual(replaced["etag"], hashlib.md5(b"changed").hexdigest())
        self.assertGreater(replaced["version"], first["version"])
        self.assertEqual(self.fake.state()["assets"][first["public_id"]]["upload_count"], 2)

    def test_pdf_counts_as_image(self):
        status, answer = self.upload(signed({"public_id": "brief"}), b"%PDF-1.7", filename="brief.pdf",
                                     resource_type="auto")
        self.assertEqual(status, 200)
        self.assertEqual(answer["resource_type"], "image")
        self.assertEqual(answer["format"], "pdf")
        self.assertEqual(answer["url"], f"http://res.cloudinary.com/{CLOUD}/image/upload/v{answer['version']}/brief.pdf")

    def test_asset_folder_outside_public_id(self):
        status, answer = self.upload(signed({"public_id": "hero", "asset_folder": "Campaigns/Spring"}), b"jpeg")
        self.assertEqual(status, 200)
        self.assertEqual(answer["public_id"], "hero")
        self.assertEqual(answer["asset_folder"], "Campaigns/Spring")
        status, answer = self.upload(signed({"public_id": "legacy", "folder": "Old"}), b"jpeg")
        self.assertEqual(answer["public_id"], "Old/legacy")
        self.assertEqual(answer["asset_folder"], "Old")

    def test_chunked_transfer_encoding_request(self):
        body, content_type = form(signed({"public_id": "streamed"}), bytes(range(256)) * 4000)
        connection = self.fake.connection()
        pieces = (body[offset:offset + 65536] for offset in range(0, len(body), 65536))
        connection.request("POST", f"/v1_1/{CLOUD}/image/upload", body=pieces, encode_chunked=True,
                           headers={"Content-Type": content_type})
        response = connection.getresponse()
        answer = json.loads(response.read())
        self.assertEqual(response.status, 200, answer)
        self.assertEqual(answer["etag"], hashlib.md5(bytes(range(256)) * 4000).hexdigest())
        # The same connection serves the next request (keep-alive).
        connection.request("GET", "/_fake/state")
        self.assertEqual(connection.getresponse().status, 200)
        connection.close()

    def test_keep_alive_after_rejected_upload(self):
        connection = self.fake.connection()
        body, content_type = form(signed({}, secret="wrong"), bytes(300_000))
        connection.request("POST", f"/v1_1/{CLOUD}/image/upload", body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        response.read()
        self.assertEqual(response.status, 401)
        body, content_type = form(signed({"public_id": "after-error"}), b"ok")
        connection.request("POST", f"/v1_1/{CLOUD}/image/upload", body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        self.assertEqual((response.status, json.loads(response.read())["public_id"]), (200, "after-error"))
        connection.close()

    def test_invalid_multipart_rejected(self):
        status, answer = self.fake.json("POST", f"/v1_1/{CLOUD}/image/upload", b"--x\r\nbroken",
                                        {"Content-Type": "multipart/form-data; boundary=x"})
        self.assertEqual(status, 400)
        self.assertIn("Invalid multipart body", answer["error"]["message"])

    def chunk(self, upload_id, data, first, total, params=None):
        headers = {"X-Unique-Upload-Id": upload_id, "Content-Range": f"bytes {first}-{first + len(data) - 1}/{total}"}
        return self.upload(signed(params or {}), data, filename="clip.mp4", resource_type="video", headers=headers)

    def test_chunk_rules(self):
        upload_id = uuid.uuid4().hex
        status, answer = self.chunk(upload_id, b"a" * 500, 0, -1)
        self.assertEqual(status, 400)
        self.assertIn("too small", answer["error"]["message"])
        status, answer = self.chunk(upload_id, b"a" * 1500, 0, -1)
        self.assertEqual((status, answer["bytes"]), (200, 1500))
        generated_id = answer["public_id"]
        status, answer = self.chunk(upload_id, b"b" * 1000, 0, -1)
        self.assertEqual(status, 400, "a shorter range at the same offset is not a resend")
        status, answer = self.chunk(upload_id, b"a" * 1500, 0, -1)
        self.assertEqual((status, answer["bytes"]), (200, 1500))
        status, result = self.chunk(upload_id, b"c" * 10, 1500, 1510)
        self.assertEqual(status, 200, result)
        self.assertEqual(result["public_id"], generated_id)
        self.assertEqual(result["etag"], hashlib.md5(b"a" * 1500 + b"c" * 10).hexdigest())
        state = self.fake.state()
        self.assertEqual(state["assets"][generated_id]["chunks"], [[0, 1499, -1], [1500, 1509, 1510]])
        self.assertEqual(self.chunk(upload_id, b"c" * 10, 1500, 1510), (200, result))

    def test_admin_resource_lookup(self):
        self.upload(signed({"public_id": "lookup/me"}), b"bytes")
        token = base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()
        status, answer = self.fake.json("GET", f"/v1_1/{CLOUD}/resources/image/upload/lookup/me",
                                        headers={"Authorization": "Basic " + token})
        self.assertEqual((status, answer["public_id"]), (200, "lookup/me"))
        status, _ = self.fake.json("GET", f"/v1_1/{CLOUD}/resources/image/upload/absent",
                                   headers={"Authorization": "Basic " + token})
        self.assertEqual(status, 404)
        status, _ = self.fake.json("GET", f"/v1_1/{CLOUD}/resources/image/upload/lookup/me")
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main()
