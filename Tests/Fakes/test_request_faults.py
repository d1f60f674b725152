"""Checks of the faults scripted per request kind through /_fake/request-faults, in both fakes."""

import base64
import hashlib
import http.client
import json
import os
import tempfile
import time
import unittest
import uuid
from urllib.parse import urlencode

from fakelib import cloudinary_params as cp
from fakelib.testing import (FakeProcess, make_jwt, make_rsa_key, multipart_head, multipart_tail,
                             workfront_claims)

AUTH = {"clientId": "client-rf", "clientSecret": "secret-rf", "customerId": "cust-rf", "userId": "user-rf"}
API = "/attask/api/v21.0"
CLOUD, API_KEY, API_SECRET = "rf-cloud", "111222333", "rf-secret"
DOCUMENT_SIZE = 300_000


def post_faults(fake, faults):
    """POST faults to /_fake/request-faults and return (status, answer)."""
    return fake.json("POST", "/_fake/request-faults", json.dumps(faults), {"Content-Type": "application/json"})


def request_raw(fake, method, path, body=None, headers=None, timeout=30):
    """Send one request and return (status, headers, body, error): `error` is the exception that ended the read."""
    connection = fake.connection(timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        try:
            return response.status, response.headers, response.read(), None
        except (http.client.IncompleteRead, ConnectionError) as error:
            return response.status, response.headers, None, error
    except (ConnectionError, http.client.RemoteDisconnected) as error:
        return None, None, None, error
    finally:
        connection.close()


class WorkfrontRequestFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        cls.private_key, public_key = make_rsa_key(cls.directory.name)
        scenario = {
            "auth": dict(AUTH, publicKeyFile=public_key),
            "projects": [{"ID": "proj-1", "name": "Project"}],
            "tasks": [{"ID": "task-1", "name": "Task one", "status": "UPL", "projectID": "proj-1", "documents": [{
                "ID": "doc-1", "name": "MARKER name", "description": "",
                "version": {"ID": "ver-1", "version": "1", "fileName": "photo.jpg", "ext": "jpg"},
                "content": {"generated": {"size": DOCUMENT_SIZE, "seed": "doc-1"}},
            }]}],
        }
        path = os.path.join(cls.directory.name, "scenario.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(scenario, file)
        cls.fake = FakeProcess("fake_workfront.py", ["--scenario", path])

    @classmethod
    def tearDownClass(cls):
        assert cls.fake.stop() == 0
        cls.directory.cleanup()

    def setUp(self):
        self.fake.request("DELETE", "/_fake/request-faults")
        self.session = self.login()

    def login(self):
        body = urlencode({"client_id": AUTH["clientId"], "client_secret": AUTH["clientSecret"],
                          "jwt_token": make_jwt(self.private_key, workfront_claims("cust-rf", "user-rf"))})
        status, answer = self.fake.json("POST", "/integrations/oauth2/api/v1/jwt/exchange", body,
                                        {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200, answer)
        return {"sessionID": answer["access_token"]}

    def search(self):
        return request_raw(self.fake, "GET", f"{API}/task/search?status=UPL&fields=documents", headers=self.session)

    def fired(self):
        return self.fake.json("GET", "/_fake/request-faults")[1]["fired"]

    def test_invalid_faults_are_rejected(self):
        cases = [
            ({"kind": "upload", "fault": {"status": 500}}, "kind must be one of"),
            ({"kind": "search", "fault": {"status": 200}}, "status must be an integer from 400 to 599"),
            ({"kind": "search", "fault": {"status": 500, "html": True}}, "exactly one of"),
            ({"kind": "search", "fault": {"status": 500}, "times": 0}, "times must be a positive integer"),
            ({"kind": "exchange", "fault": {"expireSession": True}}, "expireSession needs a request"),
            ({"kind": "download", "fault": {"patch": [{"path": ["data"], "value": 1}]}}, "are not JSON"),
            ({"kind": "search", "fault": {"html": True, "afterBytes": 3}}, "do not apply to a html fault"),
            ({"kind": "search", "fault": {"stall": 0}}, "stall must be a number of seconds"),
        ]
        for spec, message in cases:
            with self.subTest(spec=spec):
                status, answer = post_faults(self.fake, spec)
                self.assertEqual(status, 400)
                self.assertIn("Invalid fault:", answer["error"]["message"])
                self.assertIn(message, answer["error"]["message"])
        self.assertEqual(self.fake.json("GET", "/_fake/request-faults")[1]["pending"], [])

    def test_status_fires_times_then_passes(self):
        status, answer = post_faults(self.fake, {"kind": "search", "fault": {"status": 503, "retryAfter": 7},
                                                 "times": 2})
        self.assertEqual(status, 200)
        self.assertEqual(answer["pending"], [{"kind": "search", "fault": {"status": 503, "retryAfter": 7}, "times": 2}])
        for _ in range(2):
            status, headers, body, _ = self.search()
            self.assertEqual(status, 503)
            self.assertEqual(headers["Retry-After"], "7")
            self.assertEqual(json.loads(body)["error"]["class"], "com.attask.common.APIException")
        status, _, body, _ = self.search()
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["data"][0]["ID"], "task-1")
        snapshot = self.fake.json("GET", "/_fake/request-faults")[1]
        self.assertEqual(snapshot["pending"], [])
        self.assertEqual([fired["kind"] for fired in snapshot["fired"][-2:]], ["search", "search"])
        self.assertEqual(snapshot["fired"][-1]["request"], f"GET {API}/task/search")

    def test_kinds_are_told_apart(self):
        post_faults(self.fake, [{"kind": kind, "fault": {"status": 502}}
                                for kind in ("get", "update", "note", "download", "exchange")])
        calls = {
            "get": ("GET", f"{API}/task/task-1", None),
            "update": ("PUT", f"{API}/task/task-1?status=INP", None),
            "note": ("POST", f"{API}/note?noteObjCode=TASK&objID=task-1&noteText=hi", None),
            "download": ("GET", "/document/download?ID=doc-1", None),
        }
        for kind, (method, path, body) in calls.items():
            with self.subTest(kind=kind):
                status, _, _, _ = request_raw(self.fake, method, path, body, self.session)
                self.assertEqual(status, 502)
        status, _, body, _ = request_raw(self.fake, "POST", "/integrations/oauth2/api/v1/jwt/exchange", b"x=1",
                                         {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 502)
        self.assertEqual(json.loads(body)["error"], "server_error")
        task = self.fake.state()["tasks"]["task-1"]
        self.assertEqual(task["status"], "UPL", "a failed update must change nothing")
        self.assertEqual([fired["kind"] for fired in self.fired()[-5:]],
                         ["get", "update", "note", "download", "exchange"])

    def test_html_answers_200_with_a_page(self):
        post_faults(self.fake, {"kind": "get", "fault": {"html": True}})
        status, headers, body, _ = request_raw(self.fake, "GET", f"{API}/task/task-1", headers=self.session)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn(b"<title>Service Temporarily Unavailable</title>", body)

    def test_truncate_cuts_the_json_answer_in_half(self):
        _, _, whole, _ = self.search()
        post_faults(self.fake, {"kind": "search", "fault": {"truncate": True}})
        status, headers, body, error = self.search()
        self.assertIsNone(error)
        self.assertEqual(status, 200)
        self.assertEqual(body, whole[:len(whole) // 2])
        self.assertEqual(int(headers["Content-Length"]), len(whole) // 2)
        with self.assertRaises(ValueError):
            json.loads(body)

    def test_truncate_ends_a_download_early(self):
        post_faults(self.fake, {"kind": "download", "fault": {"truncate": True}})
        status, headers, _, error = request_raw(self.fake, "GET", "/document/download?ID=doc-1", headers=self.session)
        self.assertEqual(status, 200)
        self.assertEqual(int(headers["Content-Length"]), DOCUMENT_SIZE)
        self.assertIsInstance(error, http.client.IncompleteRead)
        self.assertEqual(len(error.partial), DOCUMENT_SIZE // 2)

    def test_reset_while_reading_the_update_changes_nothing(self):
        post_faults(self.fake, {"kind": "update", "fault": {"reset": True, "afterBytes": 5}})
        status, _, _, error = request_raw(self.fake, "PUT", f"{API}/task/task-1", json.dumps({"status": "INP"}),
                                          dict(self.session, **{"Content-Type": "application/json"}))
        self.assertIsNone(status)
        self.assertIsInstance(error, (ConnectionError, http.client.RemoteDisconnected))
        self.assertEqual(self.fake.state()["tasks"]["task-1"]["status"], "UPL")

    def test_reset_while_writing_the_answer_keeps_the_update(self):
        post_faults(self.fake, {"kind": "update", "fault": {"reset": True, "phase": "response"}})
        status, _, _, error = request_raw(self.fake, "PUT", f"{API}/task/task-1", json.dumps({"name": "Renamed"}),
                                          dict(self.session, **{"Content-Type": "application/json"}))
        self.assertIsNotNone(error)
        self.assertEqual(self.fake.state()["tasks"]["task-1"]["fields"]["name"], "Renamed")
        request_raw(self.fake, "PUT", f"{API}/task/task-1?name=Task%20one", headers=self.session)

    def test_reset_part_way_through_a_download(self):
        post_faults(self.fake, {"kind": "download", "fault": {"reset": True, "afterBytes": 100_000}})
        status, _, _, error = request_raw(self.fake, "GET", "/document/download?ID=doc-1", headers=self.session)
        self.assertEqual(status, 200)
        self.assertIsNotNone(error)
        if isinstance(error, http.client.IncompleteRead):
            self.assertLessEqual(len(error.partial), 100_000)

    def test_stall_pauses_then_finishes_the_answer(self):
        _, _, whole, _ = self.search()
        post_faults(self.fake, {"kind": "search", "fault": {"stall": 1.0}})
        started = time.monotonic()
        status, _, body, error = self.search()
        self.assertIsNone(error)
        self.assertGreaterEqual(time.monotonic() - started, 1.0)
        self.assertEqual(status, 200)
        self.assertEqual(body, whole)

    def test_stall_of_a_download_keeps_every_byte(self):
        post_faults(self.fake, {"kind": "download", "fault": {"stall": 0.5, "afterBytes": 65_536}})
        started = time.monotonic()
        status, _, body, error = request_raw(self.fake, "GET", "/document/download?ID=doc-1", headers=self.session)
        self.assertIsNone(error)
        self.assertGreaterEqual(time.monotonic() - started, 0.5)
        self.assertEqual(len(body), DOCUMENT_SIZE)
        digest = self.fake.json("GET", "/_fake/document/doc-1/digest")[1]
        self.assertEqual(hashlib.md5(body).hexdigest(), digest["md5"])

    def test_expire_session_gets_401_then_login_works(self):
        expired_before = self.fake.state()["counters"]["sessionsExpired"]
        post_faults(self.fake, {"kind": "search", "fault": {"expireSession": True}})
        status, _, body, _ = self.search()
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["error"]["class"], "com.attask.common.AuthenticationException")
        self.assertEqual(self.fake.state()["counters"]["sessionsExpired"], expired_before + 1)
        self.session = self.login()
        self.assertEqual(self.search()[0], 200)

    def test_expire_session_on_download_returns_the_login_page(self):
        post_faults(self.fake, {"kind": "download", "fault": {"expireSession": True}})
        status, headers, _, _ = request_raw(self.fake, "GET", "/document/download?ID=doc-1", headers=self.session)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))

    def test_session_ids_handed_out_are_listed(self):
        snapshot = self.fake.json("GET", "/_fake/request-faults")[1]
        self.assertIn(self.session["sessionID"], snapshot["sessionIDs"])
        self.assertGreaterEqual(snapshot["requests"]["exchange"], 1)

    def test_patch_changes_types_and_drops_fields(self):
        post_faults(self.fake, {"kind": "search", "fault": {"patch": [
            {"path": ["data", 0, "ID"], "value": 42},
            {"path": ["data", 0, "documents"], "value": "not a list"},
            {"path": ["data", 0, "name"], "delete": True},
            {"path": ["data", 5, "name"], "value": "skipped: no such task"},
        ]}})
        status, _, body, _ = self.search()
        self.assertEqual(status, 200)
        task = json.loads(body)["data"][0]
        self.assertEqual(task["ID"], 42)
        self.assertEqual(task["documents"], "not a list")
        self.assertNotIn("name", task)

    def test_replace_bytes_puts_invalid_utf8_in_the_answer(self):
        post_faults(self.fake, {"kind": "search", "fault": {"replaceBytes": [
            {"find": "MARKER", "withBase64": base64.b64encode(b"\xff\xfe").decode()}]}})
        status, _, body, _ = self.search()
        self.assertEqual(status, 200)
        self.assertIn(b"\xff\xfe name", body)
        with self.assertRaises(UnicodeDecodeError):
            body.decode("utf-8")

    def test_replacement_bodies(self):
        post_faults(self.fake, [
            {"kind": "search", "fault": {"body": "{\"data\": [", "contentType": "application/json"}},
            {"kind": "search", "fault": {"bodyBase64": base64.b64encode(b"\x00\x01").decode()}},
            {"kind": "search", "fault": {"json": {"data": {"not": "a list"}}}},
            {"kind": "search", "fault": {"oversize": 3_000_000}},
        ])
        self.assertEqual(self.search()[2], b"{\"data\": [")
        self.assertEqual(self.search()[2], b"\x00\x01")
        self.assertEqual(json.loads(self.search()[2]), {"data": {"not": "a list"}})
        status, headers, body, _ = self.search()
        self.assertEqual(status, 200)
        self.assertEqual(len(body), 3_000_000)
        self.assertEqual(int(headers["Content-Length"]), 3_000_000)
        self.assertEqual(json.loads(body)["data"], [])

    def test_delete_clears_pending_faults(self):
        post_faults(self.fake, {"kind": "note", "fault": {"status": 500}, "times": 3})
        status, answer = self.fake.json("DELETE", "/_fake/request-faults")
        self.assertEqual(status, 200)
        self.assertEqual(answer["pending"], [])


def signed_upload(public_id, data, chunk=None):
    """Return (body, headers) of a signed upload of `data` with `public_id`, as one chunk when `chunk` is set."""
    params = {"public_id": public_id, "timestamp": str(int(time.time()))}
    params["signature"] = cp.sign(cp.string_to_sign(params), API_SECRET, "sha1")
    params["api_key"] = API_KEY
    boundary = uuid.uuid4().hex
    body = multipart_head(boundary, params, "photo.jpg") + data + multipart_tail(boundary)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if chunk:
        headers.update({"X-Unique-Upload-Id": chunk[0], "Content-Range": chunk[1]})
    return body, headers


class CloudinaryRequestFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeProcess("fake_cloudinary.py", ["--cloud-name", CLOUD, "--api-key", API_KEY,
                                                      "--api-secret", API_SECRET, "--min-chunk-size", "1000"])

    @classmethod
    def tearDownClass(cls):
        assert cls.fake.stop() == 0

    def setUp(self):
        self.fake.request("DELETE", "/_fake/request-faults")

    def upload(self, public_id, data=b"\x89PNG" + bytes(5000), chunk=None):
        body, headers = signed_upload(public_id, data, chunk)
        return request_raw(self.fake, "POST", f"/v1_1/{CLOUD}/image/upload", body, headers)

    def assets(self):
        return self.fake.state()["assets"]

    def test_only_upload_is_a_kind(self):
        status, answer = post_faults(self.fake, {"kind": "search", "fault": {"status": 500}})
        self.assertEqual(status, 400)
        self.assertIn("kind must be one of upload", answer["error"]["message"])
        status, answer = post_faults(self.fake, {"kind": "upload", "fault": {"expireSession": True}})
        self.assertEqual(status, 400)
        self.assertIn("not upload", answer["error"]["message"])

    def test_rate_limit_with_retry_after_then_success(self):
        post_faults(self.fake, {"kind": "upload", "fault": {"status": 429, "retryAfter": 3}})
        status, headers, body, _ = self.upload("rate-limited")
        self.assertEqual(status, 429)
        self.assertEqual(headers["Retry-After"], "3")
        self.assertIn("Injected fault", json.loads(body)["error"]["message"])
        self.assertNotIn("rate-limited", self.assets())
        self.assertEqual(self.upload("rate-limited")[0], 200)
        self.assertEqual(self.assets()["rate-limited"]["upload_count"], 1)

    def test_reset_while_reading_stores_nothing(self):
        post_faults(self.fake, {"kind": "upload", "fault": {"reset": True, "afterBytes": 1000}})
        status, _, _, error = self.upload("reset-request")
        self.assertIsNone(status)
        self.assertIsNotNone(error)
        self.assertNotIn("reset-request", self.assets())

    def test_reset_of_the_answer_keeps_the_asset(self):
        post_faults(self.fake, {"kind": "upload", "fault": {"reset": True, "phase": "response"}})
        _, _, _, error = self.upload("reset-response")
        self.assertIsNotNone(error)
        self.assertEqual(self.assets()["reset-response"]["upload_count"], 1)

    def test_html_and_truncate(self):
        post_faults(self.fake, [{"kind": "upload", "fault": {"html": True}},
                                {"kind": "upload", "fault": {"truncate": True}}])
        status, headers, body, _ = self.upload("html")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertNotIn("html", self.assets())
        status, _, body, error = self.upload("truncated")
        self.assertIsNone(error)
        self.assertEqual(status, 200)
        with self.assertRaises(ValueError):
            json.loads(body)
        self.assertIn("truncated", self.assets(), "truncate changes the answer, not what the fake stored")

    def test_fault_on_a_chunk_records_its_range(self):
        post_faults(self.fake, {"kind": "upload", "fault": {"status": 500}})
        data = bytes(range(256)) * 8
        status, _, _, _ = self.upload("chunked", data[:1500], ("up-1", f"bytes 0-1499/{len(data)}"))
        self.assertEqual(status, 500)
        fired = self.fake.json("GET", "/_fake/request-faults")[1]["fired"][-1]
        self.assertEqual(fired["contentRange"], f"bytes 0-1499/{len(data)}")
        self.assertEqual(self.upload("chunked", data[:1500], ("up-1", f"bytes 0-1499/{len(data)}"))[0], 200)
        self.assertEqual(self.upload("chunked", data[1500:], ("up-1", f"bytes 1500-{len(data) - 1}/{len(data)}"))[0],
                         200)
        self.assertEqual(self.assets()["chunked"]["bytes"], len(data))

    def test_stall_before_reading_the_rest(self):
        post_faults(self.fake, {"kind": "upload", "fault": {"stall": 0.6, "afterBytes": 100}})
        started = time.monotonic()
        status, _, _, _ = self.upload("stalled")
        self.assertGreaterEqual(time.monotonic() - started, 0.6)
        self.assertEqual(status, 200)

    def test_requests_are_counted(self):
        before = self.fake.json("GET", "/_fake/request-faults")[1]["requests"]["upload"]
        self.upload("counted")
        self.assertEqual(self.fake.json("GET", "/_fake/request-faults")[1]["requests"]["upload"], before + 1)
        self.assertNotIn("sessionIDs", self.fake.json("GET", "/_fake/request-faults")[1])


if __name__ == "__main__":
    unittest.main()
