"""Shared parts of the fault and crash benches: a tenant of fresh fakes, the daemon's environment, the checks.

`faults.py` and `crash.py` import this module. Each `Tenant` writes a
Workfront scenario, starts both fakes with their stderr in log files, writes a
configuration file and builds the environment that `wf2cloudinary` needs. Its
`check()` compares what the fakes recorded with what should have happened.
"""

import json
import os
import re
import select
import signal
import subprocess
import sys
import urllib.request

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAKES = os.path.join(REPOSITORY, "Tests", "Fakes")
sys.path.insert(0, FAKES)

from fakelib.testing import make_rsa_key  # noqa: E402

CLOUD_NAME = "bench-cloud"
API_KEY = "614335564976464"
API_SECRET = "bench-secret-Kq81vX3p"
CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-client-secret-M4tz9"
CUSTOMER_ID = "customer-1"
USER_ID = "user-1"
TRIGGER, DONE, FAILED = "UPL", "CPL", "ERR"
EXTENSIONS = ("jpg", "png", "pdf", "mp4", "txt", "zip")
# Environment variables that would point the daemon at a service manager or the journal.
SERVICE_VARIABLES = ("NOTIFY_SOCKET", "JOURNAL_STREAM", "CREDENTIALS_DIRECTORY", "WATCHDOG_USEC", "WATCHDOG_PID")


def default_binary():
    """Return the debug build of `swift build`, which `make faults` and `make crash` build first."""
    return os.path.join(REPOSITORY, ".build", "debug", "wf2cloudinary")


class KeyPair:
    """An RSA key pair made once with the openssl CLI and shared by every tenant of a bench run."""

    def __init__(self, directory):
        self.private_path, self.public_path = make_rsa_key(directory)
        with open(self.private_path, encoding="ascii") as file:
            pem = file.read()
        # The base64 lines between the BEGIN and END lines: any of them in the output is a leaked key.
        self.pem_body_lines = [line for line in pem.splitlines() if line and not line.startswith("-----")]


class Fake:
    """One fake as a child process whose stderr goes to `log_path`."""

    def __init__(self, script, arguments, log_path, timeout=20):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([sys.executable, os.path.join(FAKES, script)] + arguments,
                                        stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline().decode().strip() if ready else ""
        if not line.startswith("LISTENING "):
            self.stop()
            raise RuntimeError(f"{script} did not start: {line!r}; see {log_path}")
        self.url = line.split(" ", 1)[1]

    def get(self, path, timeout=120):
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return json.loads(response.read())

    def post(self, path, payload, timeout=30):
        request = urllib.request.Request(self.url + path, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def delete(self, path, timeout=30):
        request = urllib.request.Request(self.url + path, method="DELETE")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()

    def logged_errors(self):
        """Return the tracebacks the fake logged: a fault in the fake itself, not in the daemon."""
        with open(self.log_path, encoding="utf-8", errors="replace") as file:
            text = file.read()
        return text.count("Traceback (most recent call last)")


def document_spec(document_id, size, extension):
    return {"ID": document_id, "name": f"Document {document_id}", "description": "",
            "version": {"ID": f"{document_id}-v1", "version": "1", "fileName": f"{document_id}.{extension}",
                        "ext": extension},
            "content": {"generated": {"size": size, "seed": document_id}}}


class Tenant:
    """Both fakes for one set of tasks, with the configuration and environment to run the daemon against them.

    `tasks` is a list of (task ID, [(document ID, size, extension), ...]).
    """

    def __init__(self, directory, keys, tasks, config_extra=None, cloudinary_arguments=()):
        self.directory = directory
        self.keys = keys
        self.tasks = tasks
        os.makedirs(directory, exist_ok=True)
        scenario = {
            "auth": {"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "customerId": CUSTOMER_ID,
                     "userId": USER_ID, "publicKeyFile": keys.public_path, "sessionIdleSeconds": 900},
            "apiVersions": ["v21.0"],
            "projects": [{"ID": "proj-1", "name": "Bench", "parameterValues": {}}],
            "tasks": [{"ID": task_id, "name": f"Task {task_id}", "status": TRIGGER, "projectID": "proj-1",
                       "parameterValues": {},
                       "documents": [document_spec(*document) for document in documents]}
                      for task_id, documents in tasks],
        }

        scenario_path = os.path.join(directory, "scenario.json")
        with open(scenario_path, "w", encoding="utf-8") as file:
            json.dump(scenario, file)
        self.workfront = Fake("fake_workfront.py", ["--scenario", scenario_path],
                              os.path.join(directory, "fake_workfront.log"))
        try:
            self.cloudinary = Fake("fake_cloudinary.py", ["--cloud-name", CLOUD_NAME, "--api-key", API_KEY,
                                                          "--api-secret", API_SECRET, *cloudinary_arguments],
                                   os.path.join(directory, "fake_cloudinary.log"))
        except Exception:
            self.workfront.stop()
            raise

        config = {"workfront": {"url": self.workfront.url, "apiVersion": "v21.0", "pageSize": 100},
                  "statuses": {"trigger": [TRIGGER], "done": DONE, "failed": FAILED}}
        config.update(config_extra or {})
        self.config_path = os.path.join(directory, "wf2cloudinary.json5")
        with open(self.config_path, "w", encoding="utf-8") as file:
            json.dump(config, file, indent=2)
        self.state_directory = os.path.join(directory, "state")

    def stop(self):
        self.workfront.stop()
        self.cloudinary.stop()

    @property
    def environment(self):
        environment = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
        environment.update({
            "CLOUDINARY_URL": f"cloudinary://{API_KEY}:{API_SECRET}@{CLOUD_NAME}?upload_prefix={self.cloudinary.url}",
            "WORKFRONT_CLIENT_ID": CLIENT_ID,
            "WORKFRONT_CLIENT_SECRET": CLIENT_SECRET,
            "WORKFRONT_CUSTOMER_ID": CUSTOMER_ID,
            "WORKFRONT_USER_ID": USER_ID,
            "WORKFRONT_PRIVATE_KEY_FILE": self.keys.private_path,
        })
        return environment

    def command(self, binary, subcommand):
        return [binary, subcommand, "--config", self.config_path, "--state-dir", self.state_directory]

    def tasks_in_trigger_status(self):
        tasks = self.workfront.get("/_fake/state")["tasks"]
        return [task_id for task_id, task in tasks.items() if task["status"] == TRIGGER]

    def check(self):
        """Compare the fakes' final state with what should have happened and return a dict of findings."""
        workfront = self.workfront.get("/_fake/state")
        assets = self.cloudinary.get("/_fake/state")["assets"]
        expected, landed, written_back, lost, wrong = 0, 0, 0, [], []
        for task_id, documents in self.tasks:
            for document_id, size, _ in documents:
                if size == 0:
                    continue
                expected += 1
                asset = assets.get(document_id)
                digest = self.workfront.get(f"/_fake/document/{document_id}/digest")
                if asset is None:
                    lost.append(document_id)
                    continue
                if asset["etag"] != digest["md5"] or asset["bytes"] != digest["size"]:
                    wrong.append(document_id)
                    continue
                landed += 1
                description = workfront["documents"][document_id].get("description") or ""
                if document_id in description:
                    written_back += 1

        duplicates = {public_id: asset["upload_count"] for public_id, asset in assets.items()
                      if asset["upload_count"] > 1}
        statuses = {task_id: task["status"] for task_id, task in workfront["tasks"].items()}
        stuck = sorted(task_id for task_id, status in statuses.items() if status not in (DONE, FAILED))
        notes = {}
        for note in workfront["notes"]:
            notes[note["objID"]] = notes.get(note["objID"], 0) + 1

        # A task fails for good only when one of its documents is empty, so any other ERR came from a fault.
        empty_tasks = {task_id for task_id, documents in self.tasks if any(size == 0 for _, size, _ in documents)}
        failed_by_fault = sorted(task_id for task_id, status in statuses.items()
                                 if status == FAILED and task_id not in empty_tasks)
        wrongly_done = sorted(task_id for task_id in empty_tasks if statuses.get(task_id) == DONE)
        return {"expected": expected, "landed": landed, "written_back": written_back, "lost": lost, "wrong": wrong,
                "duplicates": duplicates, "stuck": stuck, "failed_by_fault": failed_by_fault,
                "wrongly_done": wrongly_done, "extra_notes": sorted(t for t, n in notes.items() if n > 1),
                "notes": {task_id: [note["noteText"] for note in workfront["notes"] if note["objID"] == task_id]
                          for task_id in failed_by_fault}}

    def secrets(self):
        """Return (name, text) pairs that must never appear in the daemon's output."""
        pairs = [("Cloudinary API secret", API_SECRET), ("Workfront client secret", CLIENT_SECRET)]
        for session_id in self.workfront.get("/_fake/request-faults")["sessionIDs"]:
            # A window of 12 characters also finds part of a session ID, as from a cut-off response.
            pairs += [("Workfront session ID", session_id[start:start + 12])
                      for start in range(0, max(1, len(session_id) - 11))]
        pairs += [("private key PEM body", line) for line in self.keys.pem_body_lines]
        return pairs


def find_secrets(texts, secrets):
    """Return the sorted names of the secrets found in any of `texts`."""
    found = set()
    for text in texts:
        for name, secret in secrets:
            if secret and secret in text:
                found.add(name)
    return sorted(found)


def last_lines(text, count=6):
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])


def redact_hex(text):
    """Shorten long hex runs (upload IDs, session IDs) so that reports stay readable."""
    return re.sub(r"\b[0-9a-f]{24,}\b", lambda match: match.group(0)[:8] + "…", text)
