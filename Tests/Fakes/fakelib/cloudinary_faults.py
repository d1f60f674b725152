"""Faults that tests inject into the fake Cloudinary's chunked uploads through POST /_fake/faults."""

import threading


class FaultError(ValueError):
    """A fault description that is not valid."""


class ChunkFault:
    """One fault: the `chunk`-th request (1-based, resends included) of an upload ID fails once.

    The request fails either with HTTP `status` after its whole body was read,
    or with a TCP reset after `after_bytes` bytes of its body were read.
    """

    def __init__(self, chunk, status=None, reset=False, after_bytes=0):
        self.chunk = chunk
        self.status = status
        self.reset = reset
        self.after_bytes = after_bytes

    @classmethod
    def from_json(cls, spec):
        """Build a fault from `{"chunk": N, "status": S}` or `{"chunk": N, "reset": true, "afterBytes": B}`."""
        if not isinstance(spec, dict):
            raise FaultError(f"a fault must be a JSON object, got {spec!r}")
        unknown = sorted(set(spec) - {"chunk", "status", "reset", "afterBytes"})
        if unknown:
            raise FaultError(f"unknown fault keys {unknown}; use chunk, status, reset and afterBytes")
        chunk = spec.get("chunk")
        if not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1:
            raise FaultError(f"chunk must be a positive integer (1 is an upload's first chunk request), got {chunk!r}")
        status = spec.get("status")
        reset = spec.get("reset", False)
        if (status is None) == (reset is not True):
            raise FaultError("a fault needs exactly one of \"status\": 400-599 and \"reset\": true")
        if status is not None and (not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599):
            raise FaultError(f"status must be an integer from 400 to 599, got {status!r}")
        after_bytes = spec.get("afterBytes", 0)
        if not isinstance(after_bytes, int) or isinstance(after_bytes, bool) or after_bytes < 0:
            raise FaultError(f"afterBytes must be a non-negative integer, got {after_bytes!r}")
        if after_bytes and not reset:
            raise FaultError("afterBytes applies only to a reset fault")
        return cls(chunk, status=status, reset=reset is True, after_bytes=after_bytes)

    def to_json(self):
        if self.reset:
            return {"chunk": self.chunk, "reset": True, "afterBytes": self.after_bytes}
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
