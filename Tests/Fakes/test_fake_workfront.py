"""Checks of the fake Workfront's API rules: fields, filters, errors, updates, sessions and download faults."""

import hashlib
import http.client
import json
import os
import re
import tempfile
import time
import unittest
from urllib.parse import urlencode

from fakelib.testing import FakeProcess, make_jwt, make_rsa_key, workfront_claims

AUTH = {"clientId": "client-2", "clientSecret": "secret-2", "customerId": "cust-2", "userId": "user-2"}
API = "/attask/api/v20.0"
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d:\d{3}[-+]\d{4}$")


def document(document_id, fault=None, size=200_000, file_name="photo.jpg", ext="jpg"):
    spec = {"ID": document_id, "name": f"Doc {document_id}", "description": "",
            "version": {"ID": "v-" + document_id, "version": "1", "fileName": file_name, "ext": ext},
            "content": {"generated": {"size": size, "seed": document_id}}}
    if fault is not None:
        spec["download"] = fault
    return spec


def login(fake, private_key):
    """Exchange a fresh JWT and return the sessionID header of the new session."""
    body = urlencode({"client_id": AUTH["clientId"], "client_secret": AUTH["clientSecret"],
                      "jwt_token": make_jwt(private_key, workfront_claims("cust-2", "user-2"))})
    status, answer = fake.json("POST", "/integrations/oauth2/api/v1/jwt/exchange", body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise AssertionError(f"JWT exchange failed with HTTP {status}: {answer}")
    return {"sessionID": answer["access_token"]}


class FakeWorkfrontApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory()
        cls.private_key, public_key = make_rsa_key(cls.temp.name)
        documents = [document("plain"), document("missing", {"status": 404}),
                     document("broken", {"status": 503, "body": "html"}), document("login", {"html": True}),
                     document("nolength", {"omitContentLength": True}),
                     document("reset", {"resetAfterBytes": 70_000}), document("moved", {"redirect": True}),
                     document("flaky", {"status": 500, "times": 2})]
        scenario = {
            "auth": dict(AUTH, publicKeyFile=public_key, apiKey="api-key-2", sessionIdleSeconds=900),
            "apiVersions": ["v19.0", "v20.0"],
            "projects": [{"ID": "proj-1", "name": "Spring launch", "parameterValues": {"DE:Campaign": "Spring"}}],
            "tasks": [
                {"ID": "task-1", "name": "Upload hero", "status": "UPL", "projectID": "proj-1",
                 "plannedCompletionDate": "2026-05-18T17:00:00:000-0600",
                 "parameterValues": {"DE:Channel": "Web"}, "documents": documents},
                {"ID": "task-2", "name": "Other", "status": "NEW", "projectID": "proj-1", "documents": []},
            ],
        }
        path = os.path.join(cls.temp.name, "scenario.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(scenario, file)
        cls.fake = FakeProcess("fake_workfront.py", ["--scenario", path])
        cls.session = login(cls.fake, cls.private_key)

    @classmethod
    def tearDownClass(cls):
        exit_code = cls.fake.stop()
        cls.temp.cleanup()
        assert exit_code == 0

    def api(self, method, path, params=None, body=None, headers=None):
        query = "?" + urlencode(params, doseq=True) if params else ""
        return self.fake.json(method, API + path + query, body, dict(self.session, **(headers or {})))

    def test_default_task_fields(self):
        status, answer = self.api("GET", "/task/task-2")
        self.assertEqual(status, 200)
        self.assertEqual(answer["data"], {"ID": "task-2", "name": "Other", "objCode": "TASK", "status": "NEW",
                                          "projectID": "proj-1"})

    def test_expanded_fields(self):
        fields = "documents:currentVersion:fileName,project:name,parameterValues,project:parameterValues"
        status, answer = self.api("GET", "/TASK/search", {"ID": "task-1", "fields": fields})
        self.assertEqual(status, 200)
        task = answer["data"][0]
        self.assertEqual(task["parameterValues"], {"DE:Channel": "Web"})
        self.assertEqual(task["project"], {"ID": "proj-1", "name": "Spring launch", "objCode": "PROJ",
                                           "parameterValues": {"DE:Campaign": "Spring"}})
        first = task["documents"][0]
        self.assertEqual(set(first), {"ID", "name", "objCode", "description", "currentVersionID", "downloadURL",
                                      "lastUpdateDate", "currentVersion"})
        self.assertEqual(first["downloadURL"], "/document/download?ID=plain")
        self.assertRegex(first["lastUpdateDate"], DATE)
        self.assertEqual(first["currentVersion"], {"ID": "v-plain", "objCode": "DOCV", "documentID": "plain",
                                                   "version": "1", "fileName": "photo.jpg", "ext": "jpg",
                                                   "docSize": 200_000})

    def test_documents_without_current_version(self):
        status, answer = self.api("GET", "/task/task-1", {"fields": "documents"})
        self.assertEqual(status, 200)
        self.assertNotIn("currentVersion", answer["data"]["documents"][0])
        self.assertNotIn("parameterValues", answer["data"])

    def test_star_and_custom_fields(self):
        status, answer = self.api("GET", "/task/task-1", {"fields": "*,DE:Channel,DE:Unset"})
        self.assertEqual(status, 200)
        self.assertEqual(answer["data"]["plannedCompletionDate"], "2026-05-18T17:00:00:000-0600")
        self.assertEqual(answer["data"]["DE:Channel"], "Web")
        self.assertNotIn("DE:Unset", answer["data"])
        self.assertNotIn("documents", answer["data"])

    def test_unknown_field_rejected(self):
        status, answer = self.api("GET", "/task/search", {"fields": "noSuchField"})
        self.assertEqual(status, 422)
        self.assertIn("noSuchField", answer["error"]["message"])

    def test_filters_ne_and_nested(self):
        status, answer = self.api("GET", "/task/search", {"status": "NEW", "status_Mod": "ne"})
        self.assertEqual([task["ID"] for task in answer["data"]], ["task-1"])
        status, answer = self.api("GET", "/task/count", {"project:name": "Spring launch", "DE:Channel": "Web"})
        self.assertEqual(answer, {"data": {"count": 1}})

    def test_limit_over_2000_rejected(self):
        status, answer = self.api("GET", "/task/search", {"$$LIMIT": "2001"})
        self.assertEqual(status, 422)
        self.assertEqual(answer["error"]["class"], "java.lang.IllegalArgumentException")

    def test_missing_session_gets_401_envelope(self):
        for headers in ({}, {"sessionID": "0" * 32}):
            with self.subTest(headers=headers):
                status, _, data = self.fake.request("GET", API + "/task/search", headers=headers)
                self.assertEqual(status, 401)
                self.assertEqual(json.loads(data), {"error": {
                    "class": "com.attask.common.AuthenticationException", "message": "You are not currently logged in",
                    "title": None, "msgKey": "exception.notloggedin", "attributes": [""], "code": 0}})

    def test_api_key_header_and_query(self):
        status, _, _ = self.fake.request("GET", API + "/task/task-2", headers={"apiKey": "api-key-2"})
        self.assertEqual(status, 200)
        status, _, _ = self.fake.request("GET", API + "/task/task-2?apiKey=api-key-2")
        self.assertEqual(status, 200)
        status, _, _ = self.fake.request("GET", API + "/task/task-2?apiKey=wrong")
        self.assertEqual(status, 401)

    def test_unknown_version_and_id(self):
        status, answer = self.fake.json("GET", "/attask/api/v15.0/task/search", headers=self.session)
        self.assertEqual(status, 404)
        self.assertIn("v15.0", answer["error"]["message"])
        status, answer = self.api("GET", "/docu/no-such-document")
        self.assertEqual(status, 404)
        self.assertEqual(answer["error"]["class"], "com.attask.common.NotFoundException")

    def test_updates_and_notes(self):
        status, answer = self.api("PUT", "/task/task-2", body=json.dumps({"status": "INP", "DE:Asset URL": "x"}),
                                  headers={"Content-Type": "application/json"})
        self.assertEqual((status, answer["data"]["status"]), (200, "INP"))
        status, _ = self.api("PUT", "/task/task-2", {"updates": json.dumps({"DE:Cloudinary": "done"})})
        self.assertEqual(status, 200)
        status, answer = self.api("POST", "/task/task-2", {"method": "PUT", "status": "CPL"})
        self.assertEqual((status, answer["data"]["status"]), (200, "CPL"))
        status, _ = self.api("PUT", "/document/plain", body="description=Uploaded&DE:Public+ID=wf%2Fplain",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200)
        status, answer = self.api("POST", "/NOTE", {"noteObjCode": "TASK", "objID": "task-2",
                                                    "noteText": "Uploaded 1 file to Cloudinary"})
        self.assertEqual(status, 200)
        self.assertEqual(answer["data"]["objCode"], "NOTE")
        status, _ = self.api("PUT", "/docu/plain", {"ext": "png"})
        self.assertEqual(status, 422)

        state = self.fake.state()
        task = state["tasks"]["task-2"]
        self.assertEqual(task["status"], "CPL")
        self.assertEqual(task["fields"]["DE:Asset URL"], "x")
        self.assertEqual(task["fields"]["DE:Cloudinary"], "done")
        self.assertEqual(state["documents"]["plain"]["description"], "Uploaded")
        self.assertEqual(state["documents"]["plain"]["DE:Public ID"], "wf/plain")
        self.assertIn({"ID": answer["data"]["ID"], "noteObjCode": "TASK", "objID": "task-2",
                       "noteText": "Uploaded 1 file to Cloudinary", "entryDate": answer["data"]["entryDate"]},
                      state["notes"])

    def test_chunked_request_body_and_keep_alive(self):
        connection = self.fake.connection()
        for text in ("first", "second"):
            body = iter([b"noteObjCode=TASK&objID=task-1&", f"noteText={text}".encode()])
            connection.request("POST", API + "/note", body=body, encode_chunked=True,
                               headers=dict(self.session, **{"Content-Type": "application/x-www-form-urlencoded"}))
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(json.loads(response.read())["data"]["noteText"], text)
        connection.close()

    def download(self, document_id, headers=None):
        return self.fake.request("GET", f"/document/download?ID={document_id}",
                                 headers=self.session if headers is None else headers)

    def test_download_faults(self):
        status, headers, data = self.download("plain", headers={})
        self.assertEqual((status, headers.get_content_type()), (200, "text/html"))
        self.assertEqual(self.download("missing")[0], 404)
        status, headers, _ = self.download("broken")
        self.assertEqual((status, headers.get_content_type()), (503, "text/html"))
        status, headers, _ = self.download("login")
        self.assertEqual((status, headers.get_content_type()), (200, "text/html"))

        expected = self.fake.json("GET", "/_fake/document/nolength/digest")[1]
        status, headers, data = self.download("nolength")
        self.assertEqual(status, 200)
        self.assertIsNone(headers.get("Content-Length"))
        self.assertEqual(headers["Transfer-Encoding"], "chunked")
        self.assertEqual({"md5": hashlib.md5(data).hexdigest(), "size": len(data)}, expected)

        with self.assertRaises((http.client.IncompleteRead, ConnectionError)):
            self.download("reset")

        status, headers, _ = self.download("moved")
        self.assertEqual(status, 302)
        status, _, data = self.fake.request("GET", headers["Location"])
        self.assertEqual((status, len(data)), (200, 200_000))

        self.assertEqual([self.download("flaky")[0] for _ in range(3)], [500, 500, 200])
        self.assertEqual(self.fake.state()["documents"]["flaky"]["downloadRequests"], 3)

    def test_expire_sessions_endpoint(self):
        session = login(self.fake, self.private_key)
        self.assertEqual(self.fake.request("GET", API + "/task/task-1", headers=session)[0], 200)
        before = self.fake.state()["counters"]["sessionsExpired"]
        status, answer = self.fake.json("POST", "/_fake/expire-sessions")
        self.assertGreaterEqual(answer["expired"], 1)
        self.assertEqual(self.fake.request("GET", API + "/task/task-1", headers=session)[0], 401)
        self.assertEqual(self.fake.state()["counters"]["sessionsExpired"], before + answer["expired"])
        # Every session is gone now, so the other tests of this class need a new one.
        type(self).session = login(self.fake, self.private_key)


class SessionBudgetTest(unittest.TestCase):
    def test_session_expires_after_n_calls(self):
        with tempfile.TemporaryDirectory() as temp:
            private_key, public_key = make_rsa_key(temp)
            path = os.path.join(temp, "scenario.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump({"auth": dict(AUTH, publicKeyFile=public_key, expireSessionsAfterRequests=3,
                                        sessionIdleSeconds=1), "tasks": []}, file)
            fake = FakeProcess("fake_workfront.py", ["--scenario", path])
            try:
                session = login(fake, private_key)
                statuses = [fake.request("GET", "/attask/api/v22.0/task/count", headers=session)[0] for _ in range(4)]
                self.assertEqual(statuses, [200, 200, 200, 401])
                session = login(fake, private_key)
                self.assertEqual(fake.request("GET", "/attask/api/v22.0/task/count", headers=session)[0], 200)
                time.sleep(1.2)
                self.assertEqual(fake.request("GET", "/attask/api/v22.0/task/count", headers=session)[0], 401)
                self.assertEqual(fake.state()["counters"]["sessionsExpired"], 2)
            finally:
                self.assertEqual(fake.stop(), 0)


if __name__ == "__main__":
    unittest.main()
