#!/usr/bin/env python3
"""Fake Cloudinary Upload API for tests: signed multipart uploads, chunked uploads, and a state endpoint.

Start: python3 Tests/Fakes/fake_cloudinary.py --cloud-name demo --api-key KEY --api-secret SECRET
It prints `LISTENING http://127.0.0.1:PORT` once it accepts connections.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
import time

from fakelib import body as bodylib
from fakelib import multipart
from fakelib import cloudinary_params as cp
from fakelib.cloudinary_faults import ChunkFault, FaultError, FaultPlan
from fakelib.cloudinary_store import CloudinaryStore, UploadError
from fakelib.httpserver import FakeRequestHandler, FakeServer, add_latency_argument, serve
from fakelib.request_faults import RequestFaultMixin, RequestFaultPlan, cloudinary_request_kind

RESOURCE_TYPES = ("image", "video", "raw", "auto")
UPLOAD_PATH = re.compile(r"^/v1_1/([^/]+)/([^/]+)/upload/?$")
RESOURCE_PATH = re.compile(r"^/v1_1/([^/]+)/resources/([^/]+)/upload/(.+)$")
CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|-1|\*)$")
MAX_TEXT_PART = 1 << 20
MAX_TIMESTAMP_SKEW = 3600


class TextPart:
    def __init__(self, name):
        self.name = name
        self.data = bytearray()

    def write(self, view):
        self.data += view
        if len(self.data) > MAX_TEXT_PART:
            raise UploadError(400, f"Parameter {self.name} is longer than {MAX_TEXT_PART} bytes")

    def close(self):
        pass


class FilePart:
    """The `file` part, counted and hashed (unless `md5` is None) but not kept."""

    def __init__(self, filename, md5):
        self.filename = filename
        self.md5 = md5
        self.size = 0

    def write(self, view):
        if self.md5 is not None:
            self.md5.update(view)
        self.size += len(view)

    def close(self):
        pass


class InjectedFault(Exception):
    """A chunk request that a fault set through POST /_fake/faults makes fail before the fake handles it."""

    def __init__(self, fault, upload_id, content_range):
        super().__init__(f"chunk request {fault.chunk} of upload {upload_id}")
        self.fault = fault
        self.upload_id = upload_id
        self.content_range = content_range


class CloudinaryHandler(RequestFaultMixin, FakeRequestHandler):
    server_version = "FakeCloudinary/1.0"

    @property
    def store(self):
        return self.server.store

    def send_error_body(self, status, message):
        self.send_json(status, {"error": {"message": message}})

    def route(self):
        if self.apply_request_faults(cloudinary_request_kind):
            return
        if self.url_path == "/_fake/state" and self.method == "GET":
            self.send_json(200, self.store.snapshot())
            return
        if self.url_path == "/_fake/faults" and self.method in ("GET", "POST"):
            self.handle_faults()
            return
        upload_match = UPLOAD_PATH.match(self.url_path)
        if upload_match and self.method == "POST":
            self.handle_upload(upload_match.group(1), upload_match.group(2))
            return
        resource_match = RESOURCE_PATH.match(self.url_path)
        if resource_match and self.method == "GET":
            self.handle_resource(*resource_match.groups())
            return
        self.send_error_body(404, f"No route for {self.method} {self.url_path}")

    def handle_faults(self):
        """Add faults from a JSON object or list (POST), then return the pending and fired faults."""
        if self.method == "POST":
            try:
                specs = json.loads(self.read_body() or b"null")
                specs = specs if isinstance(specs, list) else [specs]
                faults = [ChunkFault.from_json(spec) for spec in specs]
            except (ValueError, FaultError) as error:
                self.send_error_body(400, f"Invalid fault: {error}")
                return
            for fault in faults:
                self.server.faults.add(fault)
        self.send_json(200, self.server.faults.snapshot())

    def fail_with(self, injected):
        """Fail a chunk request the way its fault specifies: HTTP status after the whole body, or a reset part-way."""
        fault = injected.fault
        self.log_message("chunk request %d of upload %s (%s): injecting fault %s", fault.chunk,
                         injected.upload_id, injected.content_range, json.dumps(fault.to_json()))
        if fault.reset:
            buffer = bytearray(min(bodylib.IO_CHUNK, max(fault.after_bytes, 1)))
            read = 0
            while read < fault.after_bytes:
                count = self.body.readinto(memoryview(buffer)[:fault.after_bytes - read])
                if not count:
                    break
                read += count
            self.reset_connection()
            return
        bodylib.drain(self.body)
        self.send_error_body(fault.status, f"Injected fault: chunk request {fault.chunk} of upload "
                                           f"{injected.upload_id} failed with HTTP {fault.status}")

    def handle_upload(self, cloud_name, resource_type):
        self.dropped_response = None
        try:
            result = self.upload(cloud_name, resource_type)
        except InjectedFault as injected:
            self.fail_with(injected)
            return
        except UploadError as error:
            if error.message.startswith("Invalid Signature") or error.message.startswith("Missing required parameter - signature"):
                self.store.count("rejected_signature")
            else:
                self.store.count("rejected_other")
            if self.server.verbose:
                self.server.log(f"upload rejected with HTTP {error.status}: {error.message}")
            self.send_error_body(error.status, error.message)
            return
        if self.dropped_response is not None:
            dropped = self.dropped_response
            self.log_message("chunk request %d of upload %s (%s): accepted, dropping the response",
                             dropped.fault.chunk, dropped.upload_id, dropped.content_range)
            self.reset_connection()
            return
        self.send_json(200, result)

    def upload(self, cloud_name, resource_type):
        """Run one upload request and return its JSON result, or raise UploadError."""
        if cloud_name != self.store.cloud_name:
            raise UploadError(404, f"Invalid cloud_name {cloud_name}")
        if resource_type not in RESOURCE_TYPES:
            raise UploadError(404, f"Invalid resource type {resource_type}. Use image, video, raw or auto.")

        chunk = self.parse_chunk_headers()
        plan = None
        md5 = hashlib.md5()
        if chunk:
            self.store.count("chunk_requests")
            content_range = self.headers.get("Content-Range").strip()
            fault = self.server.faults.on_chunk_request(chunk[0], content_range)
            if fault is not None and fault.drop_response:
                self.dropped_response = InjectedFault(fault, chunk[0], content_range)
            elif fault is not None:
                raise InjectedFault(fault, chunk[0], content_range)
            plan = self.store.plan_chunk(chunk[0], chunk[1], chunk[2])
            md5 = plan.md5

        params, file_part = self.parse_form(md5)
        self.verify_request(params)
        if file_part is None:
            raise UploadError(400, "Missing required parameter - file")
        if file_part.filename is None:
            raise UploadError(400, "The file part has no filename. This fake accepts only file bytes, "
                                   "not remote URLs or data URIs.")
        if file_part.size > self.server.max_file_size:
            raise UploadError(400, f"File size too large. Got {file_part.size}. "
                                   f"Maximum is {self.server.max_file_size}.")

        if chunk is None:
            target = self.store.describe_upload(params, resource_type, file_part.filename)
            if file_part.size == 0:
                raise UploadError(400, "Empty file")
            return self.store.save_asset(params, target, md5.hexdigest(), file_part.size, [])
        return self.upload_chunk(chunk, plan, params, resource_type, file_part)

    def parse_chunk_headers(self):
        """Return (upload_id, first, last, total) from the chunk headers, None for a whole-file upload."""
        upload_id = self.headers.get("X-Unique-Upload-Id")
        content_range = self.headers.get("Content-Range")
        if upload_id is None and content_range is None:
            return None
        if not upload_id or not content_range:
            raise UploadError(400, "A chunked upload needs both X-Unique-Upload-Id and Content-Range headers")
        match = CONTENT_RANGE.match(content_range.strip())
        if not match:
            raise UploadError(400, f"Invalid Content-Range {content_range!r}. Expected 'bytes FIRST-LAST/TOTAL'.")
        first, last = int(match.group(1)), int(match.group(2))
        total = -1 if match.group(3) in ("-1", "*") else int(match.group(3))
        if last < first or (total >= 0 and last >= total):
            raise UploadError(400, f"Invalid Content-Range {content_range!r}")
        return upload_id, first, last, total

    def upload_chunk(self, chunk, plan, params, resource_type, file_part):
        upload_id, first, last, total = chunk
        if plan.kind == "reject":
            raise UploadError(400, plan.message)
        if file_part.size != last - first + 1:
            raise UploadError(400, f"Chunk has {file_part.size} bytes but Content-Range {first}-{last} "
                                   f"announces {last - first + 1}")
        if plan.kind == "resend":
            return self.store.repeat_chunk(upload_id)
        final = total >= 0 and last == total - 1
        if not final and file_part.size < self.server.min_chunk_size:
            raise UploadError(400, f"Chunk of {file_part.size} bytes is too small. Every chunk but the last "
                                   f"must have at least {self.server.min_chunk_size} bytes.")
        target = self.store.describe_upload(params, resource_type, file_part.filename,
                                            self.store.public_id_of(upload_id))
        upload = self.store.commit_chunk(upload_id, first, last, total, plan.md5, target.public_id)
        if not final:
            return dict(upload.last_response)
        result = self.store.save_asset(params, target, upload.md5.hexdigest(), upload.received,
                                       [list(c) for c in upload.chunks])
        self.store.finish_chunked(upload_id, result)
        return result

    def parse_form(self, md5):
        """Stream the multipart body and return ({name: text}, FilePart or None)."""
        try:
            boundary = multipart.parse_boundary(self.headers.get("Content-Type"))
        except multipart.MultipartError as error:
            raise UploadError(400, str(error)) from None
        texts = []
        files = []

        def open_part(info):
            if info.name == "file":
                if files:
                    raise UploadError(400, "More than one file part")
                files.append(FilePart(info.filename, md5))
                return files[-1]
            texts.append(TextPart(info.name))
            return texts[-1]

        try:
            multipart.parse_multipart(self.body, boundary, open_part)
        except multipart.MultipartError as error:
            raise UploadError(400, f"Invalid multipart body: {error}") from None

        params = {}
        for part in texts:
            try:
                value = part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise UploadError(400, f"Parameter {part.name} is not valid UTF-8") from None
            # The SDKs send list parameters as repeated `name[]` parts, and the signature joins them with commas.
            name = part.name[:-2] if part.name.endswith("[]") else part.name
            params[name] = params[name] + "," + value if name in params and part.name.endswith("[]") else value
        return params, (files[0] if files else None)

    def verify_request(self, params):
        """Check api_key, timestamp and signature as the Upload API does, raising UploadError on failure."""
        api_key = params.get("api_key", "")
        if not api_key:
            raise UploadError(401, "Must supply api_key")
        if api_key != self.store.api_key:
            raise UploadError(401, f"Unknown API key {api_key}")
        if "signature" not in params:
            if params.get("upload_preset"):
                raise UploadError(400, "Unsigned uploads with upload_preset are not supported by this fake")
            raise UploadError(401, "Missing required parameter - signature")
        timestamp_text = params.get("timestamp", "")
        if not timestamp_text:
            raise UploadError(401, "Missing required parameter - timestamp")
        try:
            timestamp = int(timestamp_text)
        except ValueError:
            raise UploadError(400, f"Invalid timestamp {timestamp_text}") from None
        now = time.time()
        reported = time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(timestamp))
        if timestamp < now - MAX_TIMESTAMP_SKEW:
            raise UploadError(401, f"Stale request - reported time is {reported} which is more than 1 hour ago")
        if timestamp > now + MAX_TIMESTAMP_SKEW:
            raise UploadError(401, f"Stale request - reported time is {reported} which is more than 1 hour "
                                   f"in the future")
        text = cp.string_to_sign(params)
        expected = cp.sign(text, self.store.api_secret, self.server.signature_algorithm)
        if params["signature"].lower() != expected:
            raise UploadError(401, f"Invalid Signature {params['signature']}. String to sign - '{text}'.")

    def handle_resource(self, cloud_name, resource_type, public_id):
        """Serve the Admin API lookup GET /v1_1/<cloud>/resources/<type>/upload/<public_id> (HTTP Basic auth)."""
        if cloud_name != self.store.cloud_name:
            self.send_error_body(404, f"Invalid cloud_name {cloud_name}")
            return
        expected = base64.b64encode(f"{self.store.api_key}:{self.store.api_secret}".encode()).decode()
        if self.headers.get("Authorization", "") != "Basic " + expected:
            self.send_error_body(401, "Invalid credentials: send HTTP Basic api_key:api_secret")
            return
        result = self.store.find_asset(resource_type, public_id)
        if result is None:
            self.send_error_body(404, f"Resource not found - {public_id}")
            return
        self.send_json(200, result)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Fake Cloudinary Upload API on 127.0.0.1 for tests.")
    parser.add_argument("--cloud-name", required=True, help="cloud name that appears in upload URLs")
    parser.add_argument("--api-key", required=True, help="the only API key accepted")
    parser.add_argument("--api-secret", required=True, help="secret that signatures are checked with")
    parser.add_argument("--signature-algorithm", choices=("sha1", "sha256"), default="sha1",
                        help="hash of the request signature (default: sha1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default: 0)")
    parser.add_argument("--max-file-size", type=int, default=104857600,
                        help="largest file in one non-chunked request or one chunk, in bytes (default: 104857600)")
    parser.add_argument("--min-chunk-size", type=int, default=5 << 20,
                        help="smallest chunk except the last of a chunked upload, in bytes (default: 5242880)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    add_latency_argument(parser)
    return parser.parse_args(argv)


def main(argv=None):
    arguments = parse_arguments(argv)
    server = FakeServer(arguments.port, CloudinaryHandler, verbose=arguments.verbose,
                        latency=arguments.latency / 1000)
    server.store = CloudinaryStore(arguments.cloud_name, arguments.api_key, arguments.api_secret)
    server.signature_algorithm = arguments.signature_algorithm
    server.max_file_size = arguments.max_file_size
    server.min_chunk_size = arguments.min_chunk_size
    server.faults = FaultPlan()
    server.request_faults = RequestFaultPlan("cloudinary")
    return serve(server)


if __name__ == "__main__":
    sys.exit(main())
