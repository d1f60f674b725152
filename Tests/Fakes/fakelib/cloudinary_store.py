"""State of the fake Cloudinary: uploaded assets, chunked uploads in progress and counters."""

import hashlib
import secrets
import threading
import time

from . import cloudinary_params as cp


class UploadError(Exception):
    """An upload rejected with `status` and the message of Cloudinary's error JSON."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class ChunkedUpload:
    """A chunked upload in progress, keyed by its X-Unique-Upload-Id."""

    def __init__(self, upload_id):
        self.upload_id = upload_id
        self.md5 = hashlib.md5()
        self.received = 0
        self.public_id = None
        self.chunks = []
        self.last_response = None
        self.result = None


class UploadTarget:
    """Where an upload goes: resource type, public_id, format (None for raw) and the overwrite option."""

    def __init__(self, resource_type, public_id, format_, original_filename, overwrite):
        self.resource_type = resource_type
        self.public_id = public_id
        self.format = format_
        self.original_filename = original_filename
        self.overwrite = overwrite


class ChunkPlan:
    """What to do with a chunk's file bytes, decided from Content-Range before the body is read."""

    def __init__(self, kind, md5=None, message=None):
        self.kind = kind  # "append", "resend" or "reject"
        self.md5 = md5
        self.message = message


def random_public_id():
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


class CloudinaryStore:
    def __init__(self, cloud_name, api_key, api_secret):
        self.cloud_name = cloud_name
        self.api_key = api_key
        self.api_secret = api_secret
        self.lock = threading.Lock()
        self.assets = {}
        self.uploads = {}
        self.last_version = 0
        self.counters = {"uploads": 0, "rejected_signature": 0, "rejected_other": 0, "chunk_requests": 0}

    def count(self, name):
        with self.lock:
            self.counters[name] += 1

    # Chunked uploads

    def plan_chunk(self, upload_id, first, last):
        """Decide whether a chunk continues the upload, repeats the last accepted range, or leaves a gap."""
        with self.lock:
            upload = self.uploads.get(upload_id)
            if upload is None:
                upload = self.uploads[upload_id] = ChunkedUpload(upload_id)
            if upload.chunks and upload.chunks[-1][:2] == [first, last]:
                return ChunkPlan("resend")
            if upload.result is not None:
                return ChunkPlan("reject", message=f"Upload {upload_id} is already complete")
            if first != upload.received:
                return ChunkPlan("reject", message=(
                    f"Chunk out of order for upload {upload_id}: expected first byte {upload.received}, got {first}"))
            return ChunkPlan("append", md5=upload.md5.copy())

    def repeat_chunk(self, upload_id):
        """Return the response sent for the last accepted chunk of the upload."""
        with self.lock:
            upload = self.uploads[upload_id]
            return upload.result or upload.last_response

    def public_id_of(self, upload_id):
        with self.lock:
            return self.uploads[upload_id].public_id

    def commit_chunk(self, upload_id, first, last, total, md5, public_id):
        """Record an accepted chunk and return the ChunkedUpload, or raise UploadError if another chunk got in first.

        The response to a non-final chunk carries the upload's public_id because
        the SDKs send it back with the following chunks.
        """
        with self.lock:
            upload = self.uploads[upload_id]
            if upload.received != first or upload.result is not None:
                raise UploadError(400, f"Chunk out of order for upload {upload_id}: expected first byte "
                                       f"{upload.received}, got {first}")
            upload.md5 = md5
            upload.received = last + 1
            upload.chunks.append([first, last, total])
            upload.public_id = public_id
            upload.last_response = {"done": False, "bytes": upload.received, "upload_id": upload_id,
                                    "public_id": public_id}
            return upload

    def finish_chunked(self, upload_id, result):
        with self.lock:
            self.uploads[upload_id].result = result

    # Assets

    def _choose_public_id(self, params, stem, extension, resource_type):
        public_id = params.get("public_id", "")
        if not public_id:
            use_filename = cp.parse_bool(params.get("use_filename"), False)
            unique = cp.parse_bool(params.get("unique_filename"), True)
            if use_filename and stem:
                public_id = stem + ("_" + random_public_id()[:6] if unique else "")
            else:
                public_id = random_public_id()
            if resource_type == "raw" and extension:
                public_id += "." + extension
        folder = params.get("folder", "").strip("/")
        if folder:
            public_id = folder + "/" + public_id
        return public_id

    def describe_upload(self, params, requested_type, filename, public_id=None):
        """Work out resource type, public_id, format and options of an upload, or raise UploadError when invalid.

        `public_id` is the ID a chunked upload chose at its first chunk, used
        when the request itself has no public_id parameter.
        """
        stem, extension = cp.split_filename(filename)
        if requested_type == "auto":
            resource_type = cp.detect_resource_type(extension)
        elif not cp.extension_fits(requested_type, extension):
            raise UploadError(400, f"Invalid {requested_type} file")
        else:
            resource_type = requested_type
        try:
            overwrite = cp.parse_bool(params.get("overwrite"), True)
            if not public_id or params.get("public_id") not in (None, "", public_id):
                public_id = self._choose_public_id(params, stem, extension, resource_type)
        except ValueError as error:
            raise UploadError(400, f"Invalid boolean value {error}") from None
        if len(public_id) > 255:
            raise UploadError(400, "public_id is longer than 255 characters")
        if resource_type == "raw":
            format_ = None
        elif extension == "jpeg":
            format_ = "jpg"
        else:
            format_ = extension
        return UploadTarget(resource_type, public_id, format_, stem, overwrite)

    def save_asset(self, params, target, etag, size, chunks):
        """Create or overwrite the asset for a completed upload and return the Upload API result."""
        public_id = target.public_id
        with self.lock:
            existing = self.assets.get(public_id)
            if existing is not None and not target.overwrite:
                self.counters["uploads"] += 1
                result = self._result(existing)
                result["existing"] = True
                return result
            self.last_version = max(int(time.time()), self.last_version + 1)
            asset = {
                "public_id": public_id,
                "asset_id": existing["asset_id"] if existing else secrets.token_hex(16),
                "resource_type": target.resource_type,
                "format": target.format,
                "bytes": size,
                "etag": etag,
                "version": self.last_version,
                "version_id": secrets.token_hex(16),
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "asset_folder": params.get("asset_folder", params.get("folder", "")),
                "display_name": params.get("display_name") or public_id.rsplit("/", 1)[-1],
                "original_filename": target.original_filename,
                "tags": [tag.strip() for tag in params.get("tags", "").split(",") if tag.strip()],
                "context": {"custom": cp.parse_pipe_list(params["context"])} if params.get("context") else None,
                "metadata": cp.parse_pipe_list(params["metadata"]) if params.get("metadata") else None,
                "upload_count": (existing["upload_count"] if existing else 0) + 1,
                "chunks": chunks,
                "params": {name: value for name, value in params.items() if name != "signature"},
            }
            self.assets[public_id] = asset
            self.counters["uploads"] += 1
            return self._result(asset)

    def _result(self, asset):
        public_id = asset["public_id"]
        version = asset["version"]
        signed = f"public_id={public_id}&version={version}"
        result = {
            "asset_id": asset["asset_id"],
            "public_id": public_id,
            "version": version,
            "version_id": asset["version_id"],
            "signature": cp.sign(signed, self.api_secret, "sha1"),
            "resource_type": asset["resource_type"],
            "created_at": asset["created_at"],
            "tags": list(asset["tags"]),
            "bytes": asset["bytes"],
            "type": "upload",
            "etag": asset["etag"],
            "placeholder": False,
            "url": cp.delivery_url("http", self.cloud_name, asset["resource_type"], version, public_id, asset["format"]),
            "secure_url": cp.delivery_url("https", self.cloud_name, asset["resource_type"], version, public_id,
                                          asset["format"]),
            "asset_folder": asset["asset_folder"],
            "display_name": asset["display_name"],
            "original_filename": asset["original_filename"],
            "api_key": self.api_key,
        }
        if asset["format"]:
            result["format"] = asset["format"]
        if asset["context"] is not None:
            result["context"] = asset["context"]
        if asset["metadata"] is not None:
            result["metadata"] = asset["metadata"]
        return result

    def find_asset(self, resource_type, public_id):
        """Return the Upload API result of a stored asset, or None (the Admin API's resource lookup)."""
        with self.lock:
            asset = self.assets.get(public_id)
            if asset is None or asset["resource_type"] != resource_type:
                return None
            return self._result(asset)

    def snapshot(self):
        """Return the whole state as JSON-ready data for GET /_fake/state."""
        with self.lock:
            assets = {}
            for public_id, asset in self.assets.items():
                entry = {key: asset[key] for key in (
                    "public_id", "resource_type", "format", "bytes", "etag", "version", "asset_folder",
                    "display_name", "original_filename", "tags", "context", "metadata", "upload_count")}
                entry["chunks"] = [list(chunk) for chunk in asset["chunks"]]
                entry["params"] = dict(asset["params"])
                assets[public_id] = entry
            uploads = {upload_id: {"bytes": upload.received, "chunks": [list(c) for c in upload.chunks],
                                   "done": upload.result is not None}
                       for upload_id, upload in self.uploads.items()}
            return {"assets": assets, "chunked_uploads": uploads, "counters": dict(self.counters)}
