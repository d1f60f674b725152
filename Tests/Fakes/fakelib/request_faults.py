"""Faults scripted per request kind, for both fakes, through POST /_fake/request-faults.

A test posts `{"kind": K, "fault": F, "times": N}` (or a list of them). The
next N requests of kind K then fail or are changed as F describes. Each fake
classifies its requests into kinds: the fake Workfront into `exchange`,
`search`, `get`, `update`, `note` and `download`, the fake Cloudinary into
`upload` (every upload request, chunks included).

A handler takes part by listing `RequestFaultMixin` before
`FakeRequestHandler` among its bases, calling `apply_request_faults()` first
in `route()`, and setting `server.request_faults = RequestFaultPlan(...)`.
"""

import base64
import json
import re
import socket
import threading
import time

from . import body as bodylib
from .workfront_errors import WorkfrontError

CONTROL_PATH = "/_fake/request-faults"
KINDS = {
    "workfront": ("exchange", "search", "get", "update", "note", "download"),
    "cloudinary": ("upload",),
}
# Kinds whose request body matters (a form, a JSON object, a file): a reset
# fault interrupts reading it unless the fault says otherwise.
REQUEST_BODY_KINDS = frozenset({"exchange", "update", "note", "upload"})
# Kinds whose requests present a Workfront session, so that expireSession applies.
SESSION_KINDS = frozenset({"search", "get", "update", "note", "download"})
# Kinds whose response is one JSON document that `patch` and `replaceBytes` can change.
JSON_KINDS = frozenset({"exchange", "search", "get", "update", "note", "upload"})
ACTIONS = ("status", "html", "truncate", "reset", "stall", "expireSession", "json", "body", "bodyBase64",
           "patch", "replaceBytes", "oversize")
MODIFIERS = {
    "status": {"retryAfter"},
    "reset": {"afterBytes", "phase"},
    "stall": {"afterBytes", "phase"},
    "body": {"contentType"},
    "bodyBase64": {"contentType"},
}
MAX_STALL_SECONDS = 600
HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>\n"
             b"<body><h1>Service Temporarily Unavailable</h1><p>The server is temporarily unable to service "
             b"your request. Please try again later.</p></body></html>\n")

API_PATH = re.compile(r"^/attask/api/[^/]+/([^/]+)(?:/([^/]+))?/?$")
UPLOAD_PATH = re.compile(r"^/v1_1/[^/]+/[^/]+/upload/?$")


class RequestFaultError(ValueError):
    """A request fault description that is not valid."""


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def workfront_request_kind(method, path, query):
    """Return the request kind of a fake Workfront request, or None for a request no fault applies to."""
    if path == "/integrations/oauth2/api/v1/jwt/exchange":
        return "exchange"
    if path == "/document/download":
        return "download"
    match = API_PATH.match(path)
    if not match:
        return None
    # A `method=` query parameter overrides the HTTP verb, as on the real API.
    # One sent in a form body is not seen here.
    method = next((value for name, value in query if name == "method"), method).upper()
    object_name, target = match.groups()
    action = (target or "").lower()
    if method == "GET" and action in ("search", "count"):
        return "search"
    if method == "GET" and target:
        return "get"
    if method == "PUT" and target:
        return "update"
    if method == "POST" and object_name.lower() == "note" and not target:
        return "note"
    return None


def cloudinary_request_kind(method, path, query):
    """Return `upload` for an upload request to the fake Cloudinary, otherwise None."""
    return "upload" if method == "POST" and UPLOAD_PATH.match(path) else None


class RequestFault:
    """One scripted fault: the next `times` requests of `kind` get `action` with its `options`."""

    def __init__(self, kind, action, options, times, spec):
        self.kind = kind
        self.action = action
        self.options = options
        self.times = times
        self.spec = spec

    @property
    def phase(self):
        """`request` or `response`: when a reset or stall fault acts."""
        default = "request" if self.kind in REQUEST_BODY_KINDS else "response"
        return self.options.get("phase", default)

    @classmethod
    def from_json(cls, spec, kinds):
        """Build a fault from `{"kind": K, "fault": {...}, "times": N}`, checking it against `kinds`."""
        if not isinstance(spec, dict):
            raise RequestFaultError(f"a request fault must be a JSON object, got {spec!r}")
        unknown = sorted(set(spec) - {"kind", "fault", "times"})
        if unknown:
            raise RequestFaultError(f"unknown keys {unknown}; use kind, fault and times")
        kind = spec.get("kind")
        if kind not in kinds:
            raise RequestFaultError(f"kind must be one of {', '.join(kinds)}, got {kind!r}")
        times = spec.get("times", 1)
        if not _is_integer(times) or times < 1:
            raise RequestFaultError(f"times must be a positive integer, got {times!r}")
        fault = spec.get("fault")
        if not isinstance(fault, dict):
            raise RequestFaultError(f"fault must be a JSON object such as {{\"status\": 500}}, got {fault!r}")
        actions = [name for name in ACTIONS if name in fault]
        if len(actions) != 1:
            raise RequestFaultError(f"fault needs exactly one of {', '.join(ACTIONS)}, got {sorted(fault)}")
        action = actions[0]
        extra = sorted(set(fault) - {action} - MODIFIERS.get(action, set()))
        if extra:
            allowed = sorted(MODIFIERS.get(action, set()))
            raise RequestFaultError(f"{extra} do not apply to a {action} fault"
                                    + (f"; it takes {', '.join(allowed)}" if allowed else ""))
        _check_options(action, fault, kind)
        return cls(kind, action, fault, times, {"kind": kind, "fault": fault, "times": times})

    def to_json(self):
        return dict(self.spec, times=self.times)


def _check_options(action, fault, kind):
    """Raise RequestFaultError when the options of `action` are out of range or do not fit `kind`."""
    value = fault[action]
    if action == "status":
        if not _is_integer(value) or not 400 <= value <= 599:
            raise RequestFaultError(f"status must be an integer from 400 to 599, got {value!r}")
        retry_after = fault.get("retryAfter")
        if retry_after is not None and (not _is_integer(retry_after) or retry_after < 0):
            raise RequestFaultError(f"retryAfter must be a non-negative integer of seconds, got {retry_after!r}")
    elif action in ("html", "truncate", "reset", "expireSession"):
        if value is not True:
            raise RequestFaultError(f"{action} must be true, got {value!r}")
    elif action == "stall":
        if not _is_number(value) or not 0 < value <= MAX_STALL_SECONDS:
            raise RequestFaultError(f"stall must be a number of seconds above 0 and at most {MAX_STALL_SECONDS}, "
                                    f"got {value!r}")
    elif action == "body":
        if not isinstance(value, str):
            raise RequestFaultError(f"body must be a string, got {value!r}")
    elif action == "bodyBase64":
        try:
            base64.b64decode(value, validate=True)
        except (TypeError, ValueError):
            raise RequestFaultError("bodyBase64 must be a base64 string") from None
    elif action == "patch":
        _check_patch(value)
    elif action == "replaceBytes":
        _check_replacements(value)
    elif action == "oversize":
        if not _is_integer(value) or value < 32:
            raise RequestFaultError(f"oversize must be a byte count of at least 32, got {value!r}")
    if action in ("reset", "stall"):
        after_bytes = fault.get("afterBytes")
        if after_bytes is not None and (not _is_integer(after_bytes) or after_bytes < 0):
            raise RequestFaultError(f"afterBytes must be a non-negative integer, got {after_bytes!r}")
        if fault.get("phase", "request") not in ("request", "response"):
            raise RequestFaultError(f"phase must be request or response, got {fault['phase']!r}")
    if action == "expireSession" and kind not in SESSION_KINDS:
        raise RequestFaultError(f"expireSession needs a request that presents a Workfront session "
                                f"({', '.join(sorted(SESSION_KINDS))}), not {kind}")
    if action in ("patch", "replaceBytes") and kind not in JSON_KINDS:
        raise RequestFaultError(f"{action} changes a JSON response, and {kind} responses are not JSON")
    if "contentType" in fault and not isinstance(fault["contentType"], str):
        raise RequestFaultError(f"contentType must be a string, got {fault['contentType']!r}")


def _check_patch(operations):
    if not isinstance(operations, list) or not operations:
        raise RequestFaultError("patch must be a non-empty list of {\"path\": [...], \"value\": V} "
                                "or {\"path\": [...], \"delete\": true}")
    for operation in operations:
        if not isinstance(operation, dict) or not isinstance(operation.get("path"), list) or not operation["path"]:
            raise RequestFaultError(f"each patch operation needs a non-empty path list, got {operation!r}")
        if not all(isinstance(step, str) or _is_integer(step) for step in operation["path"]):
            raise RequestFaultError(f"path steps must be member names or list indexes, got {operation['path']!r}")
        if ("value" in operation) == (operation.get("delete") is True) or set(operation) - {"path", "value", "delete"}:
            raise RequestFaultError(f"each patch operation needs exactly one of value and \"delete\": true, "
                                    f"got {operation!r}")


def _check_replacements(replacements):
    if not isinstance(replacements, list) or not replacements:
        raise RequestFaultError("replaceBytes must be a non-empty list of {\"find\": TEXT, \"withBase64\": B64}")
    for replacement in replacements:
        if (not isinstance(replacement, dict) or set(replacement) != {"find", "withBase64"}
                or not isinstance(replacement["find"], str) or not replacement["find"]):
            raise RequestFaultError(f"each replacement needs a non-empty find text and withBase64, got {replacement!r}")
        try:
            base64.b64decode(replacement["withBase64"], validate=True)
        except (TypeError, ValueError):
            raise RequestFaultError(f"withBase64 is not base64: {replacement['withBase64']!r}") from None


def apply_patch(document, operations):
    """Set or delete the values at each operation's path in the parsed JSON `document`, and return it.

    A path that does not exist in the response is skipped, so one fault can
    target a list position that only some responses have.
    """
    for operation in operations:
        *parents, last = operation["path"]
        target = document
        try:
            for step in parents:
                target = target[step]
            if operation.get("delete"):
                del target[last]
            else:
                target[last] = operation["value"]
        except (KeyError, IndexError, TypeError):
            continue
    return document


class RequestFaultPlan:
    """The pending and fired request faults of one fake, and how many requests of each kind it served."""

    def __init__(self, service):
        self.service = service
        self.kinds = KINDS[service]
        self.lock = threading.Lock()
        self.pending = []
        self.fired = []
        self.requests = dict.fromkeys(self.kinds, 0)
        self.session_ids = []

    def add(self, faults):
        with self.lock:
            self.pending.extend(faults)

    def clear(self):
        """Drop every pending fault and return how many there were."""
        with self.lock:
            count = len(self.pending)
            self.pending.clear()
            return count

    def take(self, kind, request_line, content_range=None):
        """Count a request of `kind` and return the fault it must get, or None.

        The first pending fault of that kind fires, and leaves the pending
        list once it has fired `times` times.
        """
        with self.lock:
            self.requests[kind] += 1
            for index, fault in enumerate(self.pending):
                if fault.kind != kind:
                    continue
                fault.times -= 1
                if fault.times == 0:
                    del self.pending[index]
                fired = {"kind": kind, "fault": fault.options, "request": request_line, "at": round(time.time(), 3)}
                if content_range:
                    fired["contentRange"] = content_range
                self.fired.append(fired)
                return fault
            return None

    def note_session(self, session_id):
        with self.lock:
            if session_id not in self.session_ids:
                self.session_ids.append(session_id)

    def snapshot(self):
        """Return the pending and fired faults and the request counts per kind, ready for JSON."""
        with self.lock:
            snapshot = {"pending": [fault.to_json() for fault in self.pending],
                        "fired": [dict(fired) for fired in self.fired],
                        "requests": dict(self.requests)}
            if self.service == "workfront":
                # Every session ID the fake handed out, so that a test can look for them in logs.
                snapshot["sessionIDs"] = list(self.session_ids)
            return snapshot


class _FaultyWriter:
    """Stands in for a handler's `wfile` after the response head: passes `limit` body bytes, then acts.

    The action is `reset` (TCP reset), `close` (orderly close, so the body
    ends early) or `stall` (a pause of `seconds`, then the rest of the body).
    """

    def __init__(self, handler, limit, action, seconds=0):
        self._handler = handler
        self._inner = handler.wfile
        self._limit = limit
        self._action = action
        self._seconds = seconds
        self._sent = 0
        self._done = False

    def write(self, data):
        data = bytes(data)
        if self._done or self._sent + len(data) < self._limit or (self._sent + len(data) == self._limit
                                                                  and self._action == "stall"):
            self._sent += len(data)
            return self._inner.write(data)
        head = data[:self._limit - self._sent]
        if head:
            self._inner.write(head)
        self._sent += len(head)
        if self._action == "stall":
            self._done = True
            time.sleep(self._seconds)
            rest = data[len(head):]
            self._sent += len(rest)
            return len(head) + (self._inner.write(rest) if rest else 0)
        if self._action == "reset":
            self._handler.reset_connection()
            raise ConnectionResetError("injected request fault: connection reset while writing the response")
        self._handler.close_connection = True
        try:
            self._handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise ConnectionAbortedError("injected request fault: response body cut short")

    def flush(self):
        return self._inner.flush()

    def close(self):
        return self._inner.close()

    @property
    def closed(self):
        return self._inner.closed


class _StallingBody:
    """Stands in for a request body: reads `after_bytes` bytes, pauses `seconds` once, then reads on."""

    def __init__(self, body, after_bytes, seconds):
        self._body = body
        self._left = after_bytes
        self._seconds = seconds

    def readinto(self, buffer):
        if self._left is None:
            return self._body.readinto(buffer)
        if self._left == 0:
            time.sleep(self._seconds)
            self._left = None
            return self._body.readinto(buffer)
        view = memoryview(buffer)[:self._left]
        count = self._body.readinto(view)
        self._left -= count
        return count

    @property
    def complete(self):
        return self._body.complete


class RequestFaultMixin:
    """Handler mixin that serves /_fake/request-faults and applies scripted faults to the fake's requests."""

    _response_fault = None
    _request_kind = None
    _plain_wfile = None

    def apply_request_faults(self, classify):
        """Serve the control endpoint, or apply the fault due for this request.

        Returns True when the response was sent here (the control
        endpoint, or a fault that replaces the fake's response), False when the
        fake must handle it, possibly with its response changed afterwards.
        """
        if self._plain_wfile is not None:
            self.wfile = self._plain_wfile
            self._plain_wfile = None
        self._response_fault = None
        self._request_kind = None
        plan = self.server.request_faults
        if self.url_path == CONTROL_PATH:
            self._serve_control(plan)
            return True
        kind = classify(self.method, self.url_path, self.query)
        if kind is None:
            return False
        self._request_kind = kind
        fault = plan.take(kind, f"{self.method} {self.url_path}", self.headers.get("Content-Range"))
        if fault is None:
            return False
        self.log_message("%s request: injecting fault %s", kind, json.dumps(fault.options))
        return self._apply_before_handling(fault)

    def _serve_control(self, plan):
        if self.method == "POST":
            try:
                specs = json.loads(self.read_body() or b"null")
                specs = specs if isinstance(specs, list) else [specs]
                faults = [RequestFault.from_json(spec, plan.kinds) for spec in specs]
            except (ValueError, UnicodeDecodeError) as error:
                self.send_json(400, {"error": {"message": f"Invalid fault: {error}"}})
                return
            plan.add(faults)
        elif self.method == "DELETE":
            plan.clear()
        elif self.method != "GET":
            self.send_json(405, {"error": {"message": f"{self.method} is not supported on {CONTROL_PATH}; "
                                                      f"use GET, POST or DELETE"}})
            return
        self.send_json(200, plan.snapshot())

    def _apply_before_handling(self, fault):
        """Apply the parts of `fault` that act before the fake handles the request, and return True when the response was sent here."""
        action, options = fault.action, fault.options
        if action == "reset" and fault.phase == "request":
            self._read_then_reset(options.get("afterBytes", 0))
            return True
        if action == "stall" and fault.phase == "request":
            self.body = _StallingBody(self.body, options.get("afterBytes", 0), options["stall"])
            return False
        if action == "expireSession":
            self._expire_presented_session()
            return False
        if action in ("reset", "stall", "truncate", "patch", "replaceBytes"):
            self._response_fault = fault
            return False
        bodylib.drain(self.body)
        if action == "status":
            retry_after = options.get("retryAfter")
            headers = [("Retry-After", str(retry_after))] if retry_after is not None else []
            self.send_json(options["status"], self._error_envelope(options["status"]), headers)
        elif action == "html":
            self.send_bytes(200, HTML_PAGE, "text/html; charset=utf-8")
        elif action == "json":
            self.send_bytes(200, json.dumps(options["json"]).encode("utf-8"), "application/json; charset=utf-8")
        elif action in ("body", "bodyBase64"):
            data = options["body"].encode("utf-8") if action == "body" else base64.b64decode(options["bodyBase64"])
            self.send_bytes(200, data, options.get("contentType", "application/json; charset=utf-8"))
        elif action == "oversize":
            self._send_oversize(options["oversize"])
        return True

    def _error_envelope(self, status):
        message = f"Injected fault: {self._request_kind} request failed with HTTP {status}"
        if self.server.request_faults.service == "cloudinary":
            return {"error": {"message": message}}
        if self._request_kind == "exchange":
            return {"error": "server_error", "error_description": message}
        java_class = {401: "AuthenticationException", 404: "NotFoundException"}.get(status, "APIException")
        return WorkfrontError(status, f"com.attask.common.{java_class}", message, "exception.api").envelope()

    def _read_then_reset(self, after_bytes):
        buffer = bytearray(max(1, min(bodylib.IO_CHUNK, after_bytes)))
        read = 0
        try:
            while read < after_bytes:
                count = self.body.readinto(memoryview(buffer)[:after_bytes - read])
                if not count:
                    break
                read += count
        except bodylib.BodyError:
            pass
        self.reset_connection()

    def _expire_presented_session(self):
        """Expire the session that this request presents, as an idle timeout on the real service would."""
        store = self.server.store
        session_id = self.headers.get("sessionID") or ""
        with store.lock:
            session = store.sessions.get(session_id)
            if session is not None and not session.expired:
                session.expired = True
                store.counters["sessionsExpired"] += 1

    def _send_oversize(self, size):
        """Send a valid JSON object of exactly `size` bytes, padded with one long string, in 1 MiB writes."""
        prefix, suffix = b'{"data": [], "padding": "', b'"}'
        self.send_head(200, "application/json; charset=utf-8", size)
        self.wfile.write(prefix)
        left = size - len(prefix) - len(suffix)
        piece = b"a" * bodylib.IO_CHUNK
        while left > 0:
            self.wfile.write(piece[:left])
            left -= min(left, len(piece))
        self.wfile.write(suffix)

    # Responses: the overrides below change the fake's own response when a fault requires it.

    def send_bytes(self, status, data, content_type, headers=()):
        fault = self._response_fault
        if self._request_kind == "exchange" and status == 200:
            self._note_session(data)
        if fault is not None and fault.action in ("truncate", "patch", "replaceBytes"):
            self._response_fault = None
            data = self._changed_response(fault, data)
        super().send_bytes(status, data, content_type, headers)

    def _changed_response(self, fault, data):
        if fault.action == "truncate":
            return data[:len(data) // 2]
        if fault.action == "patch":
            try:
                document = json.loads(data)
            except ValueError:
                return data
            return json.dumps(apply_patch(document, fault.options["patch"]), ensure_ascii=False).encode("utf-8")
        for replacement in fault.options["replaceBytes"]:
            data = data.replace(replacement["find"].encode("utf-8"), base64.b64decode(replacement["withBase64"]))
        return data

    def _note_session(self, data):
        try:
            token = json.loads(data).get("access_token")
        except (ValueError, AttributeError):
            return
        if isinstance(token, str):
            self.server.request_faults.note_session(token)

    def send_head(self, status, content_type=None, length=None, headers=()):
        super().send_head(status, content_type, length, headers)
        fault = self._response_fault
        if fault is None:
            return
        self._response_fault = None
        half = (length or 0) // 2
        if fault.action == "truncate":
            writer = _FaultyWriter(self, half, "close")
        elif fault.action == "reset":
            writer = _FaultyWriter(self, fault.options.get("afterBytes", 0), "reset")
        elif fault.action == "stall":
            writer = _FaultyWriter(self, fault.options.get("afterBytes", half), "stall", fault.options["stall"])
        else:
            return
        self._plain_wfile = self.wfile
        self.wfile = writer
