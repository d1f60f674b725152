#!/usr/bin/env python3
"""Fake Adobe Workfront for tests: JWT exchange, the REST API subset the daemon uses, and document downloads.

Start: python3 Tests/Fakes/fake_workfront.py --scenario scenario.json
It prints `LISTENING http://127.0.0.1:PORT` once it accepts connections.
"""

import argparse
import json
import os
import re
import sys
from urllib.parse import parse_qsl, quote

from fakelib.content import digest
from fakelib.httpserver import FakeRequestHandler, FakeServer, add_latency_argument, serve
from fakelib.request_faults import RequestFaultMixin, RequestFaultPlan, workfront_request_kind
from fakelib.workfront_errors import (WorkfrontError, invalid_parameter, not_found, not_logged_in,
                                      unsupported)
from fakelib.workfront_query import RESERVED_PARAMS, Query, render
from fakelib.workfront_store import ExchangeError, WorkfrontStore, content_type_for

API_PATH = re.compile(r"^/attask/api/([^/]+)/([^/]+)(?:/([^/]+))?/?$")
DIGEST_PATH = re.compile(r"^/_fake/document/([^/]+)/digest$")
BLOB_PATH = re.compile(r"^/_fake/blob/([^/]+)$")
OBJECT_CODES = {"task": "TASK", "docu": "DOCU", "document": "DOCU", "proj": "PROJ", "project": "PROJ",
                "note": "NOTE", "docv": "DOCV", "documentversion": "DOCV"}
DOCUMENT_UPDATABLE = frozenset({"name", "description", "extRefID"})
LOGIN_PAGE = (b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Adobe Workfront</title></head>\n"
              b"<body><form method=\"post\" action=\"/login\"><h1>Log in to Adobe Workfront</h1>"
              b"<input name=\"username\"><input name=\"password\" type=\"password\"></form></body></html>\n")


class WorkfrontHandler(RequestFaultMixin, FakeRequestHandler):
    server_version = "FakeWorkfront/1.0"

    @property
    def store(self):
        return self.server.store

    def send_error_body(self, status, message):
        self.send_json(status, WorkfrontError(status, "com.attask.common.APIException", message,
                                              "exception.api").envelope())

    def route(self):
        if self.apply_request_faults(workfront_request_kind):
            return
        path = self.url_path
        if path.startswith("/_fake/"):
            self.route_control(path)
        elif path == "/integrations/oauth2/api/v1/jwt/exchange" and self.method == "POST":
            self.handle_exchange()
        elif path.startswith("/attask/api/"):
            try:
                self.send_json(200, self.handle_api())
            except WorkfrontError as error:
                self.log_message("API call failed with HTTP %d %s: %s", error.status, error.java_class, error.message)
                self.send_json(error.status, error.envelope())
        elif path == "/document/download" and self.method == "GET":
            self.handle_download()
        else:
            self.send_error_body(404, f"No route for {self.method} {path}")

    # Control endpoints

    def route_control(self, path):
        digest_match = DIGEST_PATH.match(path)
        blob_match = BLOB_PATH.match(path)
        if path == "/_fake/state" and self.method == "GET":
            self.send_json(200, self.store.snapshot())
        elif path == "/_fake/expire-sessions" and self.method == "POST":
            self.send_json(200, {"expired": self.store.expire_sessions()})
        elif digest_match and self.method == "GET":
            document = self.store.documents.get(digest_match.group(1))
            if document is None:
                self.send_json(404, not_found("DOCU", digest_match.group(1)).envelope())
                return
            self.send_json(200, digest(self.store.versions[document["currentVersionID"]]["_content"]))
        elif blob_match and self.method == "GET":
            document_id = self.store.blob_tokens.get(blob_match.group(1))
            if document_id is None:
                self.send_error_body(404, "Unknown blob token")
                return
            self.stream_document(self.store.documents[document_id])
        else:
            self.send_error_body(404, f"No control endpoint {self.method} {path}")

    # Authentication

    def handle_exchange(self):
        params = dict(self.query)
        params.update(parse_qsl(self.read_body().decode("utf-8", "replace"), keep_blank_values=True))
        missing = [name for name in ("client_id", "client_secret", "jwt_token") if not params.get(name)]
        if missing:
            self.store.count("jwtRejected")
            self.send_json(400, {"error": "invalid_request",
                                 "error_description": f"missing form parameters: {', '.join(missing)}"})
            return
        try:
            session_id = self.store.exchange_jwt(params["client_id"], params["client_secret"], params["jwt_token"])
        except ExchangeError as error:
            self.log_message("JWT exchange rejected: %s", error.description)
            self.send_json(error.status, {"error": error.error, "error_description": error.description})
            return
        self.send_json(200, {"access_token": session_id, "token_type": "bearer", "expires_in": 86399})

    def api_authenticated(self, params):
        api_key = self.headers.get("apiKey") or next((value for name, value in params if name == "apiKey"), None)
        if self.store.api_key_matches(api_key):
            return True
        return self.store.use_session(self.headers.get("sessionID"), api_call=True)

    # API

    def read_api_params(self):
        """Merge query and form parameters and return (pairs, JSON body object or None)."""
        params = list(self.query)
        body = self.read_body()
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if body and content_type == "application/json":
            try:
                changes = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise invalid_parameter("request body is not valid JSON") from None
            if not isinstance(changes, dict):
                raise invalid_parameter("JSON request body must be an object of fields")
            return params, changes
        if body:
            params += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return params, None

    def handle_api(self):
        """Serve one /attask/api call and return the success envelope, or raise WorkfrontError."""
        self.store.count("apiCalls")
        match = API_PATH.match(self.url_path)
        if not match:
            raise unsupported(f"unsupported API path {self.url_path}")
        version, object_name, target = match.groups()
        if version not in self.store.api_versions:
            raise WorkfrontError(404, "com.attask.common.NotFoundException",
                                 f"API version {version} is not supported. Supported versions are "
                                 f"{', '.join(sorted(self.store.api_versions))}", "exception.notfound")
        params, json_body = self.read_api_params()
        method = next((value for name, value in params if name == "method"), self.method).upper()
        if not self.api_authenticated(params):
            raise not_logged_in()
        if object_name.lower() == "cstem" and method == "GET" and (target or "").lower() == "search":
            return self.search_statuses(params)
        code = OBJECT_CODES.get(object_name.lower())
        if code is None:
            raise WorkfrontError(404, "com.attask.common.NotFoundException",
                                 f"object code {object_name} is not supported by this fake", "exception.notfound")
        action = (target or "").lower()
        with self.store.lock:
            if method == "GET" and action in ("search", "count"):
                return self.search(code, Query(params), action == "count")
            if method == "GET" and target:
                return {"data": render(self.store, code, self.store.get(code, target), Query(params).fields)}
            if method == "PUT" and target and action not in ("search", "count"):
                return self.update(code, target, params, json_body)
            if method == "POST" and code == "NOTE" and not target:
                return self.create_note(params, json_body)
        raise unsupported(f"{method} {object_name}{'/' + target if target else ''} is not supported by this fake")

    def search_statuses(self, params):
        """Serve CSTEM/search?enumClass=STATUS_TASK: the tenant's task statuses as custom enum objects."""
        enum_class = next((value for name, value in params if name == "enumClass"), "STATUS_TASK")
        if enum_class != "STATUS_TASK":
            return {"data": []}
        return {"data": [{"ID": f"cstem-{value}", "objCode": "CSTEM", "enumClass": "STATUS_TASK", "value": value,
                          "label": value} for value in self.store.task_statuses]}

    def search(self, code, query, count_only):
        selected = query.select(self.store, code, list(self.store.collection(code).values()))
        if count_only:
            return {"data": {"count": len(selected)}}
        self.store.counters["searchPages"] += 1
        return {"data": [render(self.store, code, obj, query.fields) for obj in query.page(selected)]}

    def requested_changes(self, params, json_body):
        """Collect field changes from plain parameters, `updates=<json>` and a JSON body, in that order."""
        changes = {}
        for name, value in params:
            if name in RESERVED_PARAMS or name.startswith("$$") or name.endswith(("_Mod", "_Sort")):
                continue
            changes[name] = value
        for name, value in params:
            if name == "updates":
                try:
                    updates = json.loads(value)
                except ValueError:
                    raise invalid_parameter("updates is not valid JSON") from None
                if not isinstance(updates, dict):
                    raise invalid_parameter("updates must be a JSON object of fields")
                changes.update(updates)
        changes.update(json_body or {})
        return changes

    def update(self, code, object_id, params, json_body):
        if code not in ("TASK", "DOCU"):
            raise unsupported(f"updating {code} is not supported by this fake")
        obj = self.store.get(code, object_id)
        changes = self.requested_changes(params, json_body)
        if not changes:
            raise invalid_parameter(f"PUT {code}/{object_id} names no field to change")
        self.store.apply_changes(code, obj, changes, None if code == "TASK" else DOCUMENT_UPDATABLE)
        return {"data": render(self.store, code, obj, Query(params).fields)}

    def create_note(self, params, json_body):
        fields = self.requested_changes(params, json_body)
        missing = [name for name in ("noteObjCode", "objID", "noteText") if not fields.get(name)]
        if missing:
            raise invalid_parameter(f"a note needs {', '.join(missing)}")
        note = self.store.add_note(str(fields["noteObjCode"]), str(fields["objID"]), str(fields["noteText"]))
        return {"data": render(self.store, "NOTE", note, Query(params).fields)}

    # Downloads

    def handle_download(self):
        self.store.count("downloads")
        if not self.store.use_session(self.headers.get("sessionID"), api_call=False):
            self.send_bytes(200, LOGIN_PAGE, "text/html;charset=UTF-8")
            return
        document_id = next((value for name, value in self.query if name == "ID"), "")
        document = self.store.documents.get(document_id)
        if document is None:
            self.send_json(404, not_found("DOCU", document_id).envelope())
            return
        fault = self.store.take_fault(document) or {}
        if fault:
            self.log_message("download of document %s: applying scenario fault %s", document_id, json.dumps(fault))
        if "status" in fault:
            self.send_fault_status(int(fault["status"]), fault.get("body", "json"), document_id)
        elif fault.get("html"):
            self.send_bytes(200, LOGIN_PAGE, "text/html;charset=UTF-8")
        elif fault.get("redirect"):
            location = "/_fake/blob/" + self.store.new_blob_token(document_id)
            self.send_bytes(302, b"", "text/plain", [("Location", location)])
        else:
            self.stream_document(document, chunked=bool(fault.get("omitContentLength")),
                                 reset_after=fault.get("resetAfterBytes"))

    def send_fault_status(self, status, body_kind, document_id):
        if body_kind == "html":
            page = f"<!DOCTYPE html>\n<html><body><h1>HTTP {status}</h1></body></html>\n".encode()
            self.send_bytes(status, page, "text/html;charset=UTF-8")
            return
        if status == 401:
            error = not_logged_in()
        elif status == 404:
            error = not_found("DOCU", document_id)
        else:
            error = WorkfrontError(status, "com.attask.common.APIException",
                                   f"download of document {document_id} failed with HTTP {status} "
                                   f"(fault set in the scenario)", "exception.api")
        self.send_json(status, error.envelope())

    def stream_document(self, document, chunked=False, reset_after=None):
        """Send the current version's bytes in 1 MiB writes, resetting the socket after `reset_after` bytes if set."""
        version = self.store.versions[document["currentVersionID"]]
        content = version["_content"]
        disposition = "attachment; filename*=UTF-8''" + quote(version["fileName"], safe="")
        self.send_head(200, content_type_for(version["ext"]), None if chunked else content.size,
                       [("Content-Disposition", disposition)])
        sent = 0
        for chunk in content.iter_chunks():
            if reset_after is not None and sent + len(chunk) >= reset_after:
                self.wfile.write(chunk[:reset_after - sent])
                self.reset_connection()
                return
            if chunked:
                self.write_chunk(chunk)
            else:
                self.wfile.write(chunk)
            sent += len(chunk)
        if reset_after is not None:
            self.reset_connection()
        elif chunked:
            self.write_chunk(b"")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fake Adobe Workfront API on 127.0.0.1 for tests.")
    parser.add_argument("--scenario", required=True, help="JSON scenario file with auth settings, projects and tasks")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default: 0)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    add_latency_argument(parser)
    arguments = parser.parse_args(argv)
    try:
        with open(arguments.scenario, encoding="utf-8") as scenario_file:
            scenario = json.load(scenario_file)
        store = WorkfrontStore(scenario, os.path.dirname(os.path.abspath(arguments.scenario)))
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"fake_workfront: cannot load scenario {arguments.scenario}: {error!r}", file=sys.stderr)
        return 2
    server = FakeServer(arguments.port, WorkfrontHandler, verbose=arguments.verbose,
                        latency=arguments.latency / 1000)
    server.store = store
    server.request_faults = RequestFaultPlan("workfront")
    return serve(server)


if __name__ == "__main__":
    sys.exit(main())
