"""State of the fake Workfront: objects loaded from a scenario file, sessions, notes and counters."""

import hmac
import json
import mimetypes
import os
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone

from . import rsajwt
from .content import content_from_spec
from .workfront_errors import invalid_parameter, not_found

DATE_ZONE = timezone(timedelta(hours=-6))
COUNTER_NAMES = ("jwtExchanges", "jwtRejected", "apiCalls", "downloads", "sessionsExpired", "searchPages")
FAULT_KINDS = ("status", "html", "omitContentLength", "resetAfterBytes", "redirect")


class ExchangeError(Exception):
    """A rejected JWT exchange: HTTP `status` and the OAuth `error` code and description."""

    def __init__(self, status, error, description):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def workfront_date(timestamp=None):
    """Format a time as the REST API does, e.g. 2026-05-18T17:00:00:000-0600 (colon before milliseconds)."""
    moment = datetime.fromtimestamp(time.time() if timestamp is None else timestamp, DATE_ZONE)
    return moment.strftime("%Y-%m-%dT%H:%M:%S:") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def content_type_for(extension):
    guessed, _ = mimetypes.guess_type("file." + (extension or "bin"))
    return guessed or "application/octet-stream"


class Session:
    def __init__(self):
        self.last_used = time.monotonic()
        self.api_calls = 0
        self.expired = False


class WorkfrontStore:
    """State of the fake Workfront. Relative file paths in `scenario` are taken from `base_dir`."""

    def __init__(self, scenario, base_dir="."):
        self.base_dir = base_dir
        self.lock = threading.RLock()
        auth = scenario.get("auth") or {}
        for key in ("clientId", "clientSecret", "customerId", "userId", "publicKeyFile"):
            if not isinstance(auth.get(key), str) or not auth[key]:
                raise ValueError(f"scenario auth.{key} is missing or not a string")
        self.auth = auth
        with open(os.path.join(base_dir, auth["publicKeyFile"]), encoding="ascii") as key_file:
            self.public_key = rsajwt.load_rsa_public_key_pem(key_file.read())
        self.api_key = auth.get("apiKey")
        idle_seconds = auth.get("sessionIdleSeconds")
        self.idle_seconds = 900 if idle_seconds is None else idle_seconds
        self.calls_per_session = auth.get("expireSessionsAfterRequests")
        self.api_versions = set(scenario.get("apiVersions") or ["v19.0", "v20.0", "v21.0", "v22.0"])
        # Task status keys the tenant defines (system ones plus its custom ones).
        self.task_statuses = list(scenario.get("taskStatuses") or ["NEW", "INP", "CPL", "UPL", "ERR"])
        self.sessions = {}
        self.blob_tokens = {}
        self.counters = dict.fromkeys(COUNTER_NAMES, 0)
        self.projects, self.tasks, self.documents, self.versions, self.notes = {}, {}, {}, {}, {}
        for project in scenario.get("projects") or []:
            self._load_project(project)
        for task in scenario.get("tasks") or []:
            self._load_task(task)

    # Scenario loading

    def _load_project(self, spec):
        now = workfront_date()
        project = {key: value for key, value in spec.items() if key != "parameterValues"}
        project.setdefault("entryDate", now)
        project.setdefault("lastUpdateDate", now)
        project["parameterValues"] = dict(spec.get("parameterValues") or {})
        self.projects[spec["ID"]] = project

    def _load_task(self, spec):
        now = workfront_date()
        task = {key: value for key, value in spec.items() if key not in ("documents", "parameterValues")}
        task.setdefault("projectID", None)
        task.setdefault("entryDate", now)
        task.setdefault("lastUpdateDate", now)
        task["parameterValues"] = dict(spec.get("parameterValues") or {})
        task["_documentIDs"] = []
        self.tasks[spec["ID"]] = task
        for document_spec in spec.get("documents") or []:
            self._load_document(task, document_spec)

    def _load_document(self, task, spec):
        now = workfront_date()
        version_spec = spec.get("version") or {}
        content = content_from_spec(spec.get("content") or {}, self.base_dir)
        fault = dict(spec.get("download") or {})
        unknown = [key for key in fault if key not in FAULT_KINDS + ("times", "body")]
        if unknown:
            raise ValueError(f"document {spec['ID']}: unknown download fault keys {unknown}")
        version = {
            "ID": version_spec.get("ID") or secrets.token_hex(16),
            "documentID": spec["ID"],
            "version": version_spec.get("version", "1"),
            "fileName": version_spec.get("fileName") or spec.get("name", "file"),
            "ext": version_spec.get("ext", ""),
            "docSize": content.size,
            "fileType": content_type_for(version_spec.get("ext", "")),
            "entryDate": now,
            "_content": content,
        }
        document = {
            "ID": spec["ID"],
            "name": spec.get("name", version["fileName"]),
            "description": spec.get("description", ""),
            "currentVersionID": version["ID"],
            "downloadURL": f"/document/download?ID={spec['ID']}",
            "lastUpdateDate": now,
            "docObjCode": "TASK",
            "objID": task["ID"],
            "extRefID": spec.get("extRefID"),
            "entryDate": now,
            "parameterValues": dict(spec.get("parameterValues") or {}),
            "_fault": fault,
            "_faultsServed": 0,
            "_downloadRequests": 0,
        }
        self.versions[version["ID"]] = version
        self.documents[spec["ID"]] = document
        task["_documentIDs"].append(spec["ID"])

    # Object access

    def collection(self, code):
        return {"TASK": self.tasks, "DOCU": self.documents, "PROJ": self.projects, "NOTE": self.notes,
                "DOCV": self.versions}[code]

    def get(self, code, object_id):
        obj = self.collection(code).get(object_id)
        if obj is None:
            raise not_found(code, object_id)
        return obj

    def resolve(self, code, obj, reference):
        """Follow a reference field (TASK project/documents, DOCU currentVersion)."""
        if code == "TASK" and reference == "project":
            return self.projects.get(obj.get("projectID"))
        if code == "TASK" and reference == "documents":
            return [self.documents[document_id] for document_id in obj["_documentIDs"]]
        if code == "DOCU" and reference == "currentVersion":
            return self.versions.get(obj["currentVersionID"])
        raise invalid_parameter(f"{reference} is not a reference of {code}")

    # Authentication

    def exchange_jwt(self, client_id, client_secret, token):
        """Check the client and JWT and return a new session ID, or raise ExchangeError."""
        client_ok = hmac.compare_digest(client_id.encode(), self.auth["clientId"].encode())
        secret_ok = hmac.compare_digest(client_secret.encode(), self.auth["clientSecret"].encode())
        try:
            if not (client_ok and secret_ok):
                raise ExchangeError(401, "invalid_client", "client_id or client_secret is invalid")
            try:
                rsajwt.verify_jwt(token, self.public_key, self.auth["customerId"], self.auth["userId"], time.time())
            except rsajwt.JWTError as error:
                raise ExchangeError(400, "invalid_grant", str(error)) from None
        except ExchangeError:
            with self.lock:
                self.counters["jwtRejected"] += 1
            raise
        session_id = secrets.token_hex(16)
        with self.lock:
            self.sessions[session_id] = Session()
            self.counters["jwtExchanges"] += 1
        return session_id

    def use_session(self, session_id, api_call):
        """Mark a valid session used and return True. Expire it and return False when idle or over its call budget."""
        with self.lock:
            session = self.sessions.get(session_id or "")
            if session is None or session.expired:
                return False
            now = time.monotonic()
            over_budget = api_call and self.calls_per_session is not None and session.api_calls >= self.calls_per_session
            if now - session.last_used > self.idle_seconds or over_budget:
                session.expired = True
                self.counters["sessionsExpired"] += 1
                return False
            session.last_used = now
            if api_call:
                session.api_calls += 1
            return True

    def api_key_matches(self, key):
        return bool(self.api_key) and bool(key) and hmac.compare_digest(key.encode(), self.api_key.encode())

    def expire_sessions(self):
        with self.lock:
            live = [session for session in self.sessions.values() if not session.expired]
            for session in live:
                session.expired = True
            self.counters["sessionsExpired"] += len(live)
            return len(live)

    def count(self, name):
        with self.lock:
            self.counters[name] += 1

    # Updates

    def apply_changes(self, code, obj, changes, allowed):
        """Apply {field: value} to `obj`, storing DE: fields in parameterValues. `allowed` None allows any direct field."""
        for name, value in changes.items():
            if name.startswith("DE:"):
                continue
            if name in ("ID", "objCode") or name.startswith("_") or (allowed is not None and name not in allowed):
                raise invalid_parameter(f"{name} cannot be updated on {code} by this fake")
            if isinstance(value, (dict, list)):
                raise invalid_parameter(f"{name} must be a scalar value, got {json.dumps(value)[:80]}")
        for name, value in changes.items():
            if name.startswith("DE:"):
                obj["parameterValues"][name] = value
            else:
                obj[name] = value
        obj["lastUpdateDate"] = workfront_date()

    def add_note(self, note_obj_code, obj_id, note_text):
        code = note_obj_code.upper()
        if code not in ("TASK", "DOCU", "PROJ"):
            raise invalid_parameter(f"noteObjCode must be TASK, DOCU or PROJ, got {note_obj_code!r}")
        self.get(code, obj_id)
        note = {"ID": secrets.token_hex(16), "noteObjCode": code, "objID": obj_id, "noteText": note_text,
                "entryDate": workfront_date(), "ownerID": self.auth["userId"]}
        self.notes[note["ID"]] = note
        return note

    # Downloads

    def take_fault(self, document):
        """Return the download fault to apply to this request, or None. A fault's `times` limits how often it applies."""
        with self.lock:
            document["_downloadRequests"] += 1
            fault = document["_fault"]
            if not any(kind in fault for kind in FAULT_KINDS):
                return None
            times = fault.get("times")
            if times is not None and document["_faultsServed"] >= times:
                return None
            document["_faultsServed"] += 1
            return fault

    def new_blob_token(self, document_id):
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.blob_tokens[token] = document_id
        return token

    # Control

    def snapshot(self):
        """Return the whole state as JSON-ready data for GET /_fake/state."""
        with self.lock:
            tasks = {}
            for task_id, task in self.tasks.items():
                fields = _public_fields(task)
                fields["documentIDs"] = list(task["_documentIDs"])
                tasks[task_id] = {"ID": task_id, "status": task.get("status"), "fields": fields}
            documents = {}
            for document_id, document in self.documents.items():
                entry = _public_fields(document)
                entry["currentVersion"] = _public_fields(self.versions[document["currentVersionID"]])
                entry["downloadRequests"] = document["_downloadRequests"]
                documents[document_id] = entry
            notes = [{key: note[key] for key in ("ID", "noteObjCode", "objID", "noteText", "entryDate")}
                     for note in self.notes.values()]
            live = sum(1 for session in self.sessions.values() if not session.expired)
            return {"tasks": tasks, "documents": documents, "notes": notes, "counters": dict(self.counters),
                    "sessions": {"active": live, "expired": len(self.sessions) - live}}


def _public_fields(obj):
    """Return an object's fields with custom fields flattened to "DE:Name" keys and internal keys left out."""
    fields = {key: value for key, value in obj.items() if not key.startswith("_") and key != "parameterValues"}
    fields.update(obj.get("parameterValues", {}))
    return fields
