"""Faults that tests inject into the fake Cloudinary's chunked uploads through POST /_fake/faults."""

import threading


class FaultError(ValueError):
    """A fault description that is not valid."""


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


class ChunkFault:
    """One fault: the `chunk`-th request (1-based, resends included) of an upload ID fails once.

    The request fails in one of three ways. With `status`, the fake reads the
    whole body and returns that HTTP status. With `reset`, it reads
    `after_bytes` bytes of the body and resets the connection. With
    `drop_response`, it accepts the chunk and resets the connection in place
    of the response.
    """

    def __init__(self, chunk, status=None, reset=False, after_bytes=0, drop_response=False):
        self.chunk = chunk
        self.status = status
        self.reset = reset
        self.after_bytes = after_bytes
        self.drop_response = drop_response

    @classmethod
    def from_json(cls, spec):
        """Build a fault from `{"chunk": N, "status": S}`, `{"chunk": N, "reset": true, "afterBytes": B}`
        or `{"chunk": N, "dropResponse": true}`."""
        if not isinstance(spec, dict):
            raise FaultError(f"a fault must be a JSON object, got {spec!r}")
        unknown = sorted(set(spec) - {"chunk", "status", "reset", "afterBytes", "dropResponse"})
        if unknown:
            raise FaultError(f"unknown fault keys {unknown}; use chunk, status, reset, afterBytes and dropResponse")
        chunk = spec.get("chunk")
        if not _is_integer(chunk) or chunk < 1:
            raise FaultError(f"chunk must be a positive integer (1 is an upload's first chunk request), got {chunk!r}")
        status = spec.get("status")
        reset = spec.get("reset", False)
        drop_response = spec.get("dropResponse", False)
        kinds = [status is not None, reset is True, drop_response is True]
        if sum(kinds) != 1 or reset not in (True, False) or drop_response not in (True, False):
            raise FaultError("a fault needs exactly one of \"status\": 400-599, \"reset\": true "
                             "and \"dropResponse\": true")
        if status is not None and (not _is_integer(status) or not 400 <= status <= 599):
            raise FaultError(f"status must be an integer from 400 to 599, got {status!r}")
        after_bytes = spec.get("afterBytes", 0)
        if not _is_integer(after_bytes) or after_bytes < 0:
            raise FaultError(f"afterBytes must be a non-negative integer, got {after_bytes!r}")
        if after_bytes and not reset:
            raise FaultError("afterBytes applies only to a reset fault")
        return cls(chunk, status=status, reset=reset, after_bytes=after_bytes, drop_response=drop_response)

    def to_json(self):
        if self.reset:
            return {"chunk": self.chunk, "reset": True, "afterBytes": self.after_bytes}
        if self.drop_response:
            return {"chunk": self.chunk, "dropResponse": True}
        return {"chunk": self.chunk, "status": self.status}


class FaultPlan:
    """Pending and fired chunk faults, and how many chunk requests each upload ID has sent."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = []
        self.fired = []
        self.requests = {}

    def add(self, fault):
        with self.lock:
            self.pending.append(fault)

    def on_chunk_request(self, upload_id, content_range):
        """Count a chunk request of `upload_id` and return the fault it must fail with, or None.

        A fault fires once, on the first upload ID whose request count reaches
        the fault's `chunk`, and is then recorded as fired.
        """
        with self.lock:
            number = self.requests.get(upload_id, 0) + 1
            self.requests[upload_id] = number
            for index, fault in enumerate(self.pending):
                if fault.chunk == number:
                    del self.pending[index]
                    self.fired.append(dict(fault.to_json(), upload_id=upload_id, content_range=content_range))
                    return fault
            return None

    def snapshot(self):
        """Return the pending faults, the fired ones and the request count per upload ID, ready for JSON."""
        with self.lock:
            return {"pending": [fault.to_json() for fault in self.pending],
                    "fired": [dict(fired) for fired in self.fired],
                    "chunk_requests": dict(self.requests)}
