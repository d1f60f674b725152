"""End-to-end checks of the two fakes: the official Cloudinary SDK, openssl-made JWTs, paging, chunked
uploads and a 2 GiB streamed download.

Run from the repository root: python3 -m unittest discover -s Tests/Fakes -p 'test_*.py'
"""

import hashlib
import http.client
import json
import os
import sys
import tempfile
import time
import unittest
import uuid
from urllib.parse import urlencode

import cloudinary
import cloudinary.exceptions
import cloudinary.uploader

from fakelib.content import BASE_SIZE, BLOCK_SIZE, GeneratedContent
from fakelib.testing import (FakeProcess, make_jwt, make_rsa_key, multipart_head, multipart_tail,
                             workfront_claims)
from fakelib import cloudinary_params as cp

CLOUD, API_KEY, API_SECRET = "demo-cloud", "123456789012345", "fake-secret-Abc123"
AUTH = {"clientId": "client-1", "clientSecret": "client-secret-1", "customerId": "customer-1",
        "userId": "user-1"}
BIG_DOWNLOAD_SIZE = 2 << 30


def configure_sdk(port, secret=API_SECRET, algorithm="sha1"):
    cloudinary.reset_config()
    cloudinary.config(cloud_name=CLOUD, api_key=API_KEY, api_secret=secret, signature_algorithm=algorithm,
                      upload_prefix=f"http://127.0.0.1:{port}")


def write_random_file(directory, name, size):
    path = os.path.join(directory, name)
    with open(path, "wb") as file:
        file.write(os.urandom(size))
    return path


def md5_of_file(path):
    with open(path, "rb") as file:
        return hashlib.md5(file.read()).hexdigest()


class CloudinarySdkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory()
        cls.fake = FakeProcess("fake_cloudinary.py", ["--cloud-name", CLOUD, "--api-key", API_KEY,
                                                      "--api-secret", API_SECRET])

    @classmethod
    def tearDownClass(cls):
        exit_code = cls.fake.stop()
        cls.temp.cleanup()
        cloudinary.reset_config()
        assert exit_code == 0, f"fake_cloudinary.py exited with {exit_code} after SIGTERM"

    def setUp(self):
        configure_sdk(self.fake.port)

    def test_sdk_upload_etag_is_md5(self):
        path = write_random_file(self.temp.name, "hero.jpg", 3_000_000)
        result = cloudinary.uploader.upload(path, public_id="wf/hero-1", asset_folder="Campaigns/Spring")
        self.assertEqual(result["etag"], md5_of_file(path))
        self.assertEqual(result["bytes"], 3_000_000)
        self.assertEqual(result["public_id"], "wf/hero-1")
        self.assertEqual(result["resource_type"], "image")
        self.assertEqual(result["format"], "jpg")
        self.assertEqual(result["original_filename"], "hero")
        self.assertTrue(result["secure_url"].startswith(f"https://res.cloudinary.com/{CLOUD}/image/upload/v"))
        asset = self.fake.state()["assets"]["wf/hero-1"]
        self.assertEqual(asset["asset_folder"], "Campaigns/Spring")
        self.assertEqual(asset["etag"], result["etag"])
        self.assertEqual(asset["upload_count"], 1)
        self.assertNotIn("signature", asset["params"])

    def test_sdk_wrong_secret_rejected(self):
        path = write_random_file(self.temp.name, "wrong.jpg", 1000)
        before = self.fake.state()["counters"]["rejected_signature"]
        configure_sdk(self.fake.port, secret="not-the-secret")
        with self.assertRaises(cloudinary.exceptions.Error) as caught:
            cloudinary.uploader.upload(path, public_id="wrong-secret")
        self.assertIn("Invalid Signature", str(caught.exception))
        self.assertIn("String to sign - 'public_id=wrong-secret&timestamp=", str(caught.exception))
        state = self.fake.state()
        self.assertEqual(state["counters"]["rejected_signature"], before + 1)
        self.assertNotIn("wrong-secret", state["assets"])

    def test_sdk_signature_with_special_characters(self):
        path = write_random_file(self.temp.name, "Grüße & Co.png", 2048)
        context = {"caption": "a=b|c & d, e", "alt": "Grüße, naïve ☃", "path": "C:\\x=y|z"}
        tags = ["a&b", "c=d", "e|f", "ümlaut"]
        metadata = {"campaign": "Spring & Summer=2026|EU"}
        result = cloudinary.uploader.upload(path, public_id="special/Grüße & Co, 1", context=context,
                                            tags=tags, metadata=metadata, display_name="Grüße & Co",
                                            resource_type="auto")
        self.assertEqual(result["context"], {"custom": context})
        self.assertEqual(result["tags"], tags)
        self.assertEqual(result["metadata"], metadata)
        self.assertEqual(result["display_name"], "Grüße & Co")
        self.assertEqual(result["etag"], md5_of_file(path))
        self.assertIn("/special/Gr%C3%BC%C3%9Fe%20%26%20Co%2C%201.png", result["url"])

    def test_sdk_upload_large_in_chunks(self):
        path = write_random_file(self.temp.name, "film.mp4", 12 << 20)
        result = cloudinary.uploader.upload_large(path, public_id="large/film", chunk_size=5 << 20,
                                                  resource_type="video")
        self.assertEqual(result["etag"], md5_of_file(path))
        self.assertEqual(result["bytes"], 12 << 20)
        chunks = self.fake.state()["assets"]["large/film"]["chunks"]
        self.assertEqual(result["public_id"], "large/film")
        self.assertEqual(chunks, [[0, (5 << 20) - 1, 12 << 20], [5 << 20, (10 << 20) - 1, 12 << 20],
                                  [10 << 20, (12 << 20) - 1, 12 << 20]])

    def test_sha256_signature_server(self):
        fake = FakeProcess("fake_cloudinary.py", ["--cloud-name", CLOUD, "--api-key", API_KEY,
                                                  "--api-secret", API_SECRET, "--signature-algorithm", "sha256"])
        try:
            path = write_random_file(self.temp.name, "notes.txt", 100)
            configure_sdk(fake.port, algorithm="sha1")
            with self.assertRaises(cloudinary.exceptions.Error):
                cloudinary.uploader.upload(path, public_id="notes-sha1", resource_type="raw")
            configure_sdk(fake.port, algorithm="sha256")
            result = cloudinary.uploader.upload(path, public_id="notes.txt", resource_type="raw")
            self.assertEqual(result["etag"], md5_of_file(path))
            self.assertNotIn("format", result)
        finally:
            self.assertEqual(fake.stop(), 0)


class ChunkedUploadTest(unittest.TestCase):
    """Chunked upload over plain http.client, the way a client without the SDK sends it."""

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeProcess("fake_cloudinary.py", ["--cloud-name", CLOUD, "--api-key", API_KEY,
                                                      "--api-secret", API_SECRET])

    @classmethod
    def tearDownClass(cls):
        assert cls.fake.stop() == 0

    def send_chunk(self, connection, upload_id, data, first, total, public_id):
        params = {"public_id": public_id, "timestamp": str(int(time.time())), "asset_folder": "Chunked"}
        params["signature"] = cp.sign(cp.string_to_sign(params), API_SECRET, "sha1")
        params["api_key"] = API_KEY
        boundary = uuid.uuid4().hex
        head = multipart_head(boundary, params, "master.mov", "video/quicktime")
        tail = multipart_tail(boundary)
        last = first + len(data) - 1
        connection.putrequest("POST", f"/v1_1/{CLOUD}/auto/upload")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(head) + len(data) + len(tail)))
        connection.putheader("X-Unique-Upload-Id", upload_id)
        connection.putheader("Content-Range", f"bytes {first}-{last}/{total}")
        connection.endheaders()
        connection.send(head)
        view = memoryview(data)
        for offset in range(0, len(view), 1 << 20):
            connection.send(view[offset:offset + (1 << 20)])
        connection.send(tail)
        response = connection.getresponse()
        return response.status, json.loads(response.read())

    def test_three_chunks_give_right_md5(self):
        sizes = [40 << 20, 40 << 20, 17 << 20]
        data = b"".join(bytes(chunk) for chunk in GeneratedContent(sum(sizes), "chunked").iter_chunks())
        expected_md5 = hashlib.md5(data).hexdigest()
        upload_id = uuid.uuid4().hex
        connection = self.fake.connection()
        started = time.perf_counter()
        first = 0
        answers = []
        for index, size in enumerate(sizes):
            total = len(data) if index == len(sizes) - 1 else -1
            answers.append(self.send_chunk(connection, upload_id, data[first:first + size], first, total, "big/master"))
            if index == 1:
                repeated = self.send_chunk(connection, upload_id, data[first:first + size], first, -1, "big/master")
                self.assertEqual(repeated, answers[-1])
            first += size
        elapsed = time.perf_counter() - started
        connection.close()
        print(f"\nchunked upload over one keep-alive connection: {len(data) / elapsed / 1e6:.0f} MB/s "
              f"({len(data) >> 20} MiB, {elapsed:.2f} s)", file=sys.stderr)

        self.assertEqual(answers[0], (200, {"done": False, "bytes": sizes[0], "upload_id": upload_id,
                                            "public_id": "big/master"}))
        self.assertEqual(answers[1], (200, {"done": False, "bytes": sizes[0] + sizes[1], "upload_id": upload_id,
                                            "public_id": "big/master"}))
        status, result = answers[2]
        self.assertEqual(status, 200)
        self.assertEqual(result["etag"], expected_md5)
        self.assertEqual(result["bytes"], len(data))
        self.assertEqual(result["resource_type"], "video")
        asset = self.fake.state()["assets"]["big/master"]
        self.assertEqual(asset["chunks"], [[0, sizes[0] - 1, -1], [sizes[0], sizes[0] + sizes[1] - 1, -1],
                                           [sizes[0] + sizes[1], len(data) - 1, len(data)]])

    def test_gap_in_chunks_rejected(self):
        upload_id = uuid.uuid4().hex
        connection = self.fake.connection()
        chunk = bytes(5 << 20)
        self.assertEqual(self.send_chunk(connection, upload_id, chunk, 0, -1, "gap")[0], 200)
        status, answer = self.send_chunk(connection, upload_id, chunk, 2 * len(chunk), -1, "gap")
        connection.close()
        self.assertEqual(status, 400)
        self.assertIn("expected first byte 5242880, got 10485760", answer["error"]["message"])

    def add_fault(self, spec):
        status, answer = self.fake.json("POST", "/_fake/faults", json.dumps(spec).encode(),
                                        {"Content-Type": "application/json"})
        self.assertEqual(status, 200, answer)
        return answer

    def test_injected_500_then_resend(self):
        self.add_fault({"chunk": 2, "status": 500})
        data = b"".join(bytes(chunk) for chunk in GeneratedContent(11 << 20, "fault-500").iter_chunks())
        upload_id = uuid.uuid4().hex
        connection = self.fake.connection()
        first_chunk = self.send_chunk(connection, upload_id, data[:5 << 20], 0, -1, "fault/500")
        self.assertEqual(first_chunk[0], 200)
        status, answer = self.send_chunk(connection, upload_id, data[5 << 20:10 << 20], 5 << 20, -1, "fault/500")
        self.assertEqual(status, 500)
        self.assertEqual(answer["error"]["message"],
                         f"Injected fault: chunk request 2 of upload {upload_id} failed with HTTP 500")
        # The connection stays usable: the fake read the whole failed request.
        resent = self.send_chunk(connection, upload_id, data[5 << 20:10 << 20], 5 << 20, -1, "fault/500")
        self.assertEqual(resent, (200, {"done": False, "bytes": 10 << 20, "upload_id": upload_id,
                                        "public_id": "fault/500"}))
        status, result = self.send_chunk(connection, upload_id, data[10 << 20:], 10 << 20, len(data), "fault/500")
        connection.close()
        self.assertEqual(status, 200, result)
        self.assertEqual(result["etag"], hashlib.md5(data).hexdigest())
        faults = self.fake.json("GET", "/_fake/faults")[1]
        self.assertEqual(faults["pending"], [])
        self.assertIn({"chunk": 2, "status": 500, "upload_id": upload_id,
                       "content_range": f"bytes {5 << 20}-{(10 << 20) - 1}/-1"}, faults["fired"])
        self.assertEqual(faults["chunk_requests"][upload_id], 4)
        self.assertEqual(self.fake.state()["assets"]["fault/500"]["chunks"],
                         [[0, (5 << 20) - 1, -1], [5 << 20, (10 << 20) - 1, -1], [10 << 20, len(data) - 1, len(data)]])

    def test_injected_reset_then_resend(self):
        self.add_fault({"chunk": 1, "reset": True, "afterBytes": 1 << 20})
        data = bytes(range(256)) * ((6 << 20) // 256)
        upload_id = uuid.uuid4().hex
        connection = self.fake.connection()
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.send_chunk(connection, upload_id, data, 0, len(data), "fault/reset")
        connection.close()
        connection = self.fake.connection()
        status, result = self.send_chunk(connection, upload_id, data, 0, len(data), "fault/reset")
        connection.close()
        self.assertEqual(status, 200, result)
        self.assertEqual(result["etag"], hashlib.md5(data).hexdigest())
        fired = self.fake.json("GET", "/_fake/faults")[1]["fired"]
        self.assertIn({"chunk": 1, "reset": True, "afterBytes": 1 << 20, "upload_id": upload_id,
                       "content_range": f"bytes 0-{len(data) - 1}/{len(data)}"}, fired)

    def test_dropped_response_then_resend(self):
        self.add_fault({"chunk": 1, "dropResponse": True})
        data = bytes(range(256)) * ((6 << 20) // 256)
        upload_id = uuid.uuid4().hex
        connection = self.fake.connection()
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.send_chunk(connection, upload_id, data, 0, len(data), "fault/dropped")
        connection.close()
        asset = self.fake.state()["assets"]["fault/dropped"]
        self.assertEqual((asset["upload_count"], asset["etag"]), (1, hashlib.md5(data).hexdigest()))
        connection = self.fake.connection()
        status, result = self.send_chunk(connection, upload_id, data, 0, len(data), "fault/dropped")
        connection.close()
        self.assertEqual(status, 200, result)
        self.assertEqual(result["etag"], hashlib.md5(data).hexdigest())
        self.assertEqual(self.fake.state()["assets"]["fault/dropped"]["upload_count"], 1)

    def test_invalid_fault_rejected(self):
        cases = [{"status": 500}, {"chunk": 0, "status": 500}, {"chunk": 1}, {"chunk": 1, "status": 200},
                 {"chunk": 1, "status": 500, "reset": True}, {"chunk": 1, "status": 500, "afterBytes": 10},
                 {"chunk": 1, "reset": True, "delay": 3}, {"chunk": 1, "reset": True, "dropResponse": True},
                 {"chunk": 1, "dropResponse": True, "afterBytes": 5}, "chunk 1"]
        for spec in cases:
            with self.subTest(spec=spec):
                status, answer = self.fake.json("POST", "/_fake/faults", json.dumps(spec).encode(),
                                                {"Content-Type": "application/json"})
                self.assertEqual(status, 400)
                self.assertTrue(answer["error"]["message"].startswith("Invalid fault: "), answer)
        self.assertEqual(self.fake.json("GET", "/_fake/faults")[1]["pending"], [])


class WorkfrontTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory()
        cls.private_key, public_key = make_rsa_key(cls.temp.name)
        cls.small_path = write_random_file(cls.temp.name, "brief.pdf", 300_000)
        statuses = ["UPL", "UP2", "NEW", "CPL"]
        tasks = [{"ID": f"{index:032x}", "name": f"Task {index}", "status": statuses[index % 4],
                  "projectID": "p1", "documents": []} for index in range(1, 251)]
        tasks[0]["documents"] = [
            {"ID": "d-small", "name": "Brief", "version": {"ID": "v-small", "version": "2",
                                                          "fileName": "Brief Ünïcode.pdf", "ext": "pdf"},
             "content": {"file": cls.small_path}},
            {"ID": "d-big", "name": "Master", "version": {"ID": "v-big", "fileName": "master.mov", "ext": "mov"},
             "content": {"generated": {"size": BIG_DOWNLOAD_SIZE, "seed": "big"}}},
        ]
        scenario = {"auth": dict(AUTH, publicKeyFile=public_key, sessionIdleSeconds=900),
                    "apiVersions": ["v19.0", "v20.0", "v21.0", "v22.0"],
                    "projects": [{"ID": "p1", "name": "Spring launch", "parameterValues": {"DE:Campaign": "Spring"}}],
                    "tasks": tasks}
        cls.scenario_path = os.path.join(cls.temp.name, "scenario.json")
        with open(cls.scenario_path, "w", encoding="utf-8") as file:
            json.dump(scenario, file)
        cls.fake = FakeProcess("fake_workfront.py", ["--scenario", cls.scenario_path])

    @classmethod
    def tearDownClass(cls):
        exit_code = cls.fake.stop()
        cls.temp.cleanup()
        assert exit_code == 0, f"fake_workfront.py exited with {exit_code} after SIGTERM"

    def exchange(self, token, client_secret=AUTH["clientSecret"]):
        body = urlencode({"client_id": AUTH["clientId"], "client_secret": client_secret, "jwt_token": token})
        return self.fake.json("POST", "/integrations/oauth2/api/v1/jwt/exchange", body,
                              {"Content-Type": "application/x-www-form-urlencoded"})

    def login(self):
        status, answer = self.exchange(make_jwt(self.private_key, workfront_claims("customer-1", "user-1")))
        self.assertEqual(status, 200, answer)
        return answer["access_token"]

    def test_openssl_jwt_accepted(self):
        before = self.fake.state()["counters"]["jwtExchanges"]
        status, answer = self.exchange(make_jwt(self.private_key, workfront_claims("customer-1", "user-1")))
        self.assertEqual(status, 200)
        self.assertEqual(answer["token_type"], "bearer")
        self.assertEqual(answer["expires_in"], 86399)
        self.assertEqual(len(answer["access_token"]), 32)
        self.assertEqual(self.fake.state()["counters"]["jwtExchanges"], before + 1)

    def test_tampered_jwt_rejected(self):
        token = make_jwt(self.private_key, workfront_claims("customer-1", "user-1"))
        header, payload, signature = token.split(".")
        forged_payload = make_jwt(self.private_key, workfront_claims("customer-1", "admin")).split(".")[1]
        cases = {
            "payload swapped": (f"{header}.{forged_payload}.{signature}", "signature does not verify"),
            "signature flipped": (f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
                                  "signature does not verify"),
            "wrong issuer": (make_jwt(self.private_key, workfront_claims("other", "user-1")), "iss"),
            "expired": (make_jwt(self.private_key, workfront_claims("customer-1", "user-1", -10)), "expired"),
            "over 24 h": (make_jwt(self.private_key, workfront_claims("customer-1", "user-1", 90000)), "24 hours"),
            "alg none": (make_jwt(self.private_key, workfront_claims("customer-1", "user-1"), {"alg": "none"}),
                         "alg"),
        }
        for name, (bad_token, reason) in cases.items():
            with self.subTest(name):
                status, answer = self.exchange(bad_token)
                self.assertEqual(status, 400)
                self.assertEqual(answer["error"], "invalid_grant")
                self.assertIn(reason, answer["error_description"])
        status, answer = self.exchange(token, client_secret="wrong")
        self.assertEqual(status, 401)
        self.assertEqual(answer["error"], "invalid_client")

    def test_sorted_paging_returns_each_task_once(self):
        session = {"sessionID": self.login()}
        filters = [("status", "UPL"), ("status", "UP2"), ("status_Mod", "in"), ("ID_Sort", "asc")]
        status, answer = self.fake.json("GET", "/attask/api/v21.0/task/count?" + urlencode(filters[:3]), None, session)
        self.assertEqual(answer, {"data": {"count": 125}})
        seen = []
        pages = 0
        connection = self.fake.connection()
        for first in range(0, 1000, 40):
            query = urlencode(filters + [("$$FIRST", first), ("$$LIMIT", 40), ("fields", "status")])
            connection.request("GET", "/attask/api/v21.0/TASK/search?" + query, headers=session)
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            page = json.loads(response.read())["data"]
            pages += 1
            if not page:
                break
            seen += [task["ID"] for task in page]
        connection.close()
        expected = [f"{index:032x}" for index in range(1, 251) if index % 4 in (0, 1)]
        self.assertEqual(seen, expected)
        self.assertEqual(pages, 5)

    def test_2gib_generated_download_streams(self):
        session = {"sessionID": self.login()}
        connection = self.fake.connection()
        connection.request("GET", "/document/download?ID=d-big", headers=session)
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers["Content-Length"], str(BIG_DOWNLOAD_SIZE))
        self.assertEqual(response.headers["Content-Type"], "video/quicktime")
        self.assertEqual(response.headers["Content-Disposition"], "attachment; filename*=UTF-8''master.mov")
        buffer = bytearray(BASE_SIZE)
        received = 0
        started = time.perf_counter()
        while True:
            count = response.readinto(buffer)
            if not count:
                break
            self.assertEqual(count % BLOCK_SIZE, 0, "reads should stay aligned to 64 KiB blocks")
            for start in range(0, count, BLOCK_SIZE):
                block_index = int.from_bytes(buffer[start:start + 8], "big")
                self.assertEqual(block_index, (received + start) // BLOCK_SIZE)
            received += count
        elapsed = time.perf_counter() - started
        connection.close()
        print(f"\n2 GiB generated download: {received / elapsed / 1e6:.0f} MB/s ({elapsed:.2f} s)", file=sys.stderr)
        self.assertEqual(received, BIG_DOWNLOAD_SIZE)

    def test_small_file_download_matches_digest(self):
        session = {"sessionID": self.login()}
        status, headers, data = self.fake.request("GET", "/document/download?ID=d-small", headers=session)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/pdf")
        self.assertEqual(headers["Content-Disposition"], "attachment; filename*=UTF-8''Brief%20%C3%9Cn%C3%AFcode.pdf")
        self.assertEqual(hashlib.md5(data).hexdigest(), md5_of_file(self.small_path))
        status, digest = self.fake.json("GET", "/_fake/document/d-small/digest")
        self.assertEqual(digest, {"md5": md5_of_file(self.small_path), "size": 300_000})


class LatencyTest(unittest.TestCase):
    """`--latency` delays service requests, as a distant service would, and leaves /_fake/ at once."""

    LATENCY_MS = 400

    def test_service_requests_wait_and_control_requests_do_not(self):
        fake = FakeProcess("fake_cloudinary.py", ["--cloud-name", CLOUD, "--api-key", API_KEY,
                                                  "--api-secret", API_SECRET, "--latency", str(self.LATENCY_MS)])
        try:
            started = time.perf_counter()
            status, _, _ = fake.request("GET", f"/v1_1/{CLOUD}/image/upload")
            service_seconds = time.perf_counter() - started
            started = time.perf_counter()
            state_status, _, _ = fake.request("GET", "/_fake/state")
            control_seconds = time.perf_counter() - started
        finally:
            self.assertEqual(fake.stop(), 0)
        self.assertNotEqual(status, 200)
        self.assertEqual(state_status, 200)
        self.assertGreaterEqual(service_seconds, self.LATENCY_MS / 1000)
        self.assertLess(control_seconds, self.LATENCY_MS / 1000)


if __name__ == "__main__":
    unittest.main()
