#!/usr/bin/env python3
"""Show wf2cloudinary moving real creative files from Workfront to Cloudinary.

The script makes a photo, a multi-page PDF, an SVG, an EPS, a short H.264
clip and an empty text file in a temporary folder, and puts them on tasks of
a fake Workfront tenant. It starts the fake Workfront and the fake Cloudinary
from Tests/Fakes on 127.0.0.1 and runs `wf2cloudinary once` against them.
Then it prints what moved where, with each document's MD5 check and each
task's outcome.

It needs Python 3.11 or later, ImageMagick's `convert`, Ghostscript's `gs`,
`ffmpeg` and `openssl` (`make demo` installs them on Debian).

    python3 demo/run_demo.py --binary .build/debug/wf2cloudinary
"""

import argparse
import base64
import json
import os
import queue
import shutil
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FAKES = REPO_ROOT / "Tests" / "Fakes"

CLOUD_NAME = "demo-cloud"
CLOUDINARY_API_KEY = "614335564976464"
CLOUDINARY_API_SECRET = "demo-secret-Zx9pQ2"
WORKFRONT_LOGIN = {
    "clientId": "demo-client", "clientSecret": "demo-client-secret",
    "customerId": "demo-customer@AdobeOrg", "userId": "demo-user@techacct.adobe.com",
}
PUBLIC_ID_FIELD = "DE:Cloudinary public ID"

# Each tool the demo runs, and the Debian package that provides it.
TOOLS = {"convert": "imagemagick", "gs": "ghostscript", "ffmpeg": "ffmpeg", "openssl": "openssl"}

# Seconds to wait for a fake's LISTENING line, and for one `wf2cloudinary once` run.
FAKE_START_TIMEOUT = 20
RUN_TIMEOUT = 600

BROCHURE_POSTSCRIPT = """%!PS-Adobe-3.0
%%Pages: 3
%%BoundingBox: 0 0 595 842
%%EndComments
/title { /Helvetica-Bold findfont 40 scalefont setfont } def
/body { /Helvetica findfont 16 scalefont setfont } def
%%Page: 1 1
0.95 0.55 0.20 setrgbcolor 0 0 595 842 rectfill
1 1 1 setrgbcolor title 60 700 moveto (Spring 2027) show
body 60 660 moveto (Brochure, page 1 of 3: the campaign) show
showpage
%%Page: 2 2
0.20 0.50 0.80 setrgbcolor 60 300 475 300 rectfill
0 0 0 setrgbcolor title 60 700 moveto (The collection) show
body 60 660 moveto (Page 2 of 3: twelve pieces in four colours) show
showpage
%%Page: 3 3
0 0 0 setrgbcolor title 60 700 moveto (Where to buy) show
body 60 660 moveto (Page 3 of 3: stores and dates) show
showpage
%%EOF
"""

LOGO_POSTSCRIPT = """%!PS-Adobe-3.0
%%BoundingBox: 0 0 400 400
%%EndComments
<< /PageSize [400 400] >> setpagedevice
0.93 0.33 0.18 setrgbcolor 200 200 150 0 360 arc fill
1 1 1 setrgbcolor 200 200 90 0 360 arc fill
0.10 0.20 0.45 setrgbcolor /Helvetica-Bold findfont 64 scalefont setfont
120 178 moveto (WF) show
showpage
%%EOF
"""

LOGO_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400" viewBox="0 0 800 400">
  <title>ロゴ design, spring 2027</title>
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#f2994a"/>
      <stop offset="1" stop-color="#9b51e0"/>
    </linearGradient>
  </defs>
  <rect width="800" height="400" rx="40" fill="url(#sky)"/>
  <circle cx="200" cy="200" r="120" fill="none" stroke="#ffffff" stroke-width="24"/>
  <path d="M140 200 L190 250 L270 150" fill="none" stroke="#ffffff" stroke-width="24" stroke-linecap="round"/>
  <text x="360" y="230" font-family="sans-serif" font-size="96" fill="#ffffff">ロゴ 2027</text>
</svg>
"""


class DemoError(Exception):
    """A step of the demo that failed, with what to do about it."""


def main():
    parser = argparse.ArgumentParser(description="Run wf2cloudinary once against the local fakes and show what moved where.")
    parser.add_argument("--binary", required=True, help="path to the wf2cloudinary binary, e.g. .build/debug/wf2cloudinary")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (files, scenario, config, logs)")
    parser.add_argument("--verbose", action="store_true", help="pass --verbose to wf2cloudinary for debug log lines")
    arguments = parser.parse_args()

    # SIGTERM ends the demo like Ctrl-C, so the fakes are stopped on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return run(arguments)
    except DemoError as error:
        print(f"\ndemo failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo interrupted", file=sys.stderr)
        return 130


def run(arguments):
    binary = Path(arguments.binary).resolve()
    if not os.access(binary, os.X_OK):
        raise DemoError(f"{binary} is not an executable file. Build it with `swift build`, or run `make demo`.")
    check_tools()

    folder = Path(tempfile.mkdtemp(prefix="wf2cloudinary-demo-"))
    fakes = []
    try:
        heading("1. Files a creative team approved")
        files = make_files(folder / "files")
        for entry in files.values():
            print(f"  {format_size(entry['path'].stat().st_size):>12}  {entry['path'].name}")

        private_key, public_key = make_key_pair(folder)
        scenario = write_scenario(folder, files, public_key)
        workfront = FakeServer("fake_workfront.py", ["--scenario", str(scenario)], folder / "fake_workfront.log")
        fakes.append(workfront)
        cloudinary = FakeServer("fake_cloudinary.py", [
            "--cloud-name", CLOUD_NAME, "--api-key", CLOUDINARY_API_KEY, "--api-secret", CLOUDINARY_API_SECRET,
        ], folder / "fake_cloudinary.log")
        fakes.append(cloudinary)

        heading("2. The Workfront tenant (fake) before the run")
        print(f"  fake Workfront   {workfront.url}  (PID {workfront.pid})")
        print(f"  fake Cloudinary  {cloudinary.url}  (PID {cloudinary.pid}, cloud {CLOUD_NAME})")
        print()
        for task in TASKS:
            print(f"  task {task['ID']:<12} {task['status']}  \"{task['name']}\": "
                  + ", ".join(document["fileName"] for document in task["documents"]))

        config = write_config(folder, workfront.url)
        environment = make_environment(folder, private_key, cloudinary.url)
        heading("3. wf2cloudinary once")
        command = [str(binary), "once", "--config", str(config), "--state-dir", str(folder / "state")]
        command += ["--verbose"] if arguments.verbose else []
        print("  $ " + shlex.join(command))
        print(f"  (config file {config}; credentials in the environment)\n")
        completed = run_binary(command, environment)
        print_block("standard output", completed.stdout)
        print_block("log (standard error)", completed.stderr)

        heading("4. What moved where")
        deviations = report(workfront, cloudinary)

        heading("5. Result")
        explain_exit(completed.returncode, deviations)
        if arguments.keep:
            print(f"\n  Files, scenario, config and the fakes' logs are kept in {folder}")
        return 1 if deviations else 0
    finally:
        # A second signal must not cut the cleanup short and leave a fake running.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for fake in reversed(fakes):
            fake.stop()
        if not arguments.keep:
            shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------
# Files and the scenario

def check_tools():
    missing = [f"{tool} (Debian package {package})" for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        raise DemoError("missing tools: " + ", ".join(missing) + ". `make demo` installs them.")


def make_files(folder):
    """Create the documents and return them by document ID, each with its path."""
    folder.mkdir()
    work = folder.parent / "sources"
    work.mkdir()
    files = {}

    photo = folder / 'Hero "final" shot.jpg'
    background = ["convert", "-seed", "2027", "-size", "1600x1000", "plasma:orange-purple"]
    caption = ["-gravity", "center", "-pointsize", "120", "-fill", "white", "-stroke", "black", "-strokewidth", "2",
               "-annotate", "+0+0", "Spring 2027"]
    try:
        run_tool(background + caption + ["-quality", "88", str(photo)])
    except DemoError:
        # The caption needs a font that ImageMagick can find, but the photo works without one.
        print("  (ImageMagick found no font for the caption, so the photo has none)")
        run_tool(background + ["-quality", "88", str(photo)])
    files["doc-hero"] = {"path": photo, "kind": "photo (ImageMagick, 1600x1000 JPEG)"}

    brochure_source = work / "brochure.ps"
    brochure_source.write_text(BROCHURE_POSTSCRIPT, encoding="ascii")
    brochure = folder / "Брошюра весна 2027.pdf"
    run_tool(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite",
              f"-sOutputFile={brochure}", str(brochure_source)])
    files["doc-brochure"] = {"path": brochure, "kind": "brochure (Ghostscript, 3-page PDF)"}

    svg = folder / "ロゴ design.svg"
    svg.write_text(LOGO_SVG, encoding="utf-8")
    files["doc-logo-svg"] = {"path": svg, "kind": "logo (SVG)"}

    logo_source = work / "logo.ps"
    logo_source.write_text(LOGO_POSTSCRIPT, encoding="ascii")
    eps = folder / "Logo 'outline'.eps"
    run_tool(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=eps2write",
              f"-sOutputFile={eps}", str(logo_source)])
    files["doc-logo-eps"] = {"path": eps, "kind": "logo (Ghostscript, EPS)"}

    # Noise keeps the encoder from shrinking the test pattern, so the clip is
    # about 8 MB. That is more than the 5 MiB chunk size in the config, so it
    # goes up in chunks.
    clip = folder / "Teaser clip 01.mp4"
    run_tool(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
              "-f", "lavfi", "-i", "testsrc2=duration=3:size=1280x720:rate=25",
              "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
              "-vf", "noise=alls=25:allf=t", "-c:v", "libx264", "-preset", "veryfast",
              "-b:v", "20M", "-maxrate", "20M", "-bufsize", "20M", "-pix_fmt", "yuv420p",
              "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(clip)])
    files["doc-teaser"] = {"path": clip, "kind": "teaser (ffmpeg, 3 s H.264 + AAC)"}

    notes = folder / "empty notes.txt"
    notes.touch()
    files["doc-notes"] = {"path": notes, "kind": "empty text file"}
    return files


def run_tool(command):
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        raise DemoError(f"{command[0]} failed with exit status {result.returncode}:\n{result.stderr.strip()}")


def make_key_pair(folder):
    """Create the RSA key that signs Workfront's JWTs, and its public half for the fake."""
    private_key = folder / "workfront-private-key.pem"
    public_key = folder / "workfront-public-key.pem"
    run_tool(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(private_key)])
    run_tool(["openssl", "pkey", "-in", str(private_key), "-pubout", "-out", str(public_key)])
    return private_key, public_key


# Tasks of the fake tenant. A document's name is what Workfront shows, and
# its file name is that of the current version. "ロゴ design.svg" has no name,
# so its Cloudinary display name falls back to the file name.
TASKS = [
    {"ID": "task-hero", "name": "Hero visuals", "status": "UPL", "documents": [
        {"ID": "doc-hero", "name": "Hero shot (final)", "fileName": 'Hero "final" shot.jpg'},
        {"ID": "doc-brochure", "name": "Брошюра весна 2027", "fileName": "Брошюра весна 2027.pdf"},
    ]},
    {"ID": "task-logo", "name": "ロゴ refresh", "status": "UPL", "documents": [
        {"ID": "doc-logo-svg", "name": "", "fileName": "ロゴ design.svg"},
        {"ID": "doc-logo-eps", "name": "Logo outline (print)", "fileName": "Logo 'outline'.eps"},
    ]},
    {"ID": "task-teaser", "name": "Teaser video", "status": "UPL", "documents": [
        {"ID": "doc-teaser", "name": "Teaser clip 01", "fileName": "Teaser clip 01.mp4"},
        {"ID": "doc-notes", "name": "Editor's notes", "fileName": "empty notes.txt"},
    ]},
    {"ID": "task-draft", "name": "Banner draft", "status": "INP", "documents": [
        {"ID": "doc-draft", "name": "Banner (work in progress)", "fileName": "banner draft.png"},
    ]},
]


def write_scenario(folder, files, public_key):
    tasks = []
    for task in TASKS:
        documents = []
        for document in task["documents"]:
            file_name = document["fileName"]
            entry = files.get(document["ID"])
            # The draft is never downloaded, so generated bytes stand in for it.
            content = {"file": str(entry["path"])} if entry else {"generated": {"size": 48_000, "seed": document["ID"]}}
            documents.append({
                "ID": document["ID"], "name": document["name"], "description": "",
                "version": {"ID": document["ID"] + "-v1", "version": "1", "fileName": file_name,
                            "ext": file_name.rsplit(".", 1)[-1]},
                "content": content, "download": {},
            })
        tasks.append({"ID": task["ID"], "name": task["name"], "status": task["status"], "projectID": "proj-spring",
                      "parameterValues": {}, "documents": documents})
    scenario = {
        "auth": dict(WORKFRONT_LOGIN, publicKeyFile=str(public_key), sessionIdleSeconds=900),
        "apiVersions": ["v19.0", "v20.0", "v21.0", "v22.0"],
        "projects": [{"ID": "proj-spring", "name": "Spring 2027 campaign", "parameterValues": {}}],
        "tasks": tasks,
    }
    path = folder / "scenario.json"
    path.write_text(json.dumps(scenario, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def write_config(folder, workfront_url):
    path = folder / "wf2cloudinary.json5"
    path.write_text(f"""// wf2cloudinary configuration for the demo, written by demo/run_demo.py.
// Secrets are not here: they come from the environment (or $CREDENTIALS_DIRECTORY).
{{
  workfront: {{
    // Scheme and host only; the API path comes from apiVersion. Plain http
    // is accepted only because the fake listens on a loopback address.
    url: "{workfront_url}",
    apiVersion: "v21.0",
  }},
  statuses: {{
    trigger: ["UPL"],  // tasks waiting for the upload
    done: "CPL",
    failed: "ERR",     // set, with a note, when a document cannot be moved
  }},
  workers: 2,
  cloudinary: {{
    assetFolder: "Spring 2027 campaign",
    // 5 MiB, the smallest chunk Cloudinary accepts, so that the 8 MB clip
    // goes up in chunks.
    chunkSize: 5242880,
  }},
  writeBack: {{
    urlField: "description",
    publicIdField: "{PUBLIC_ID_FIELD}",
  }},
}}
""", encoding="utf-8")
    return path


def make_environment(folder, private_key, cloudinary_url):
    """Return the binary's environment: the credentials, and nothing that points at systemd or a proxy."""
    environment = dict(os.environ)
    for name in ["NOTIFY_SOCKET", "JOURNAL_STREAM", "CREDENTIALS_DIRECTORY", "WATCHDOG_USEC", "WATCHDOG_PID",
                 "http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]:
        environment.pop(name, None)
    environment.update({
        "CLOUDINARY_URL": f"cloudinary://{CLOUDINARY_API_KEY}:{CLOUDINARY_API_SECRET}@{CLOUD_NAME}"
                          f"?upload_prefix={cloudinary_url}",
        "WORKFRONT_CLIENT_ID": WORKFRONT_LOGIN["clientId"],
        "WORKFRONT_CLIENT_SECRET": WORKFRONT_LOGIN["clientSecret"],
        "WORKFRONT_CUSTOMER_ID": WORKFRONT_LOGIN["customerId"],
        "WORKFRONT_USER_ID": WORKFRONT_LOGIN["userId"],
        "WORKFRONT_PRIVATE_KEY_FILE": str(private_key),
        "STATE_DIRECTORY": str(folder / "state"),
    })
    (folder / "state").mkdir()
    return environment


# ---------------------------------------------------------------------------
# Processes

class FakeServer:
    """One fake service from Tests/Fakes, running as a child process on 127.0.0.1."""

    def __init__(self, script, arguments, log_path):
        self.name = script
        self.log_path = log_path
        self.log = open(log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, str(FAKES / script), "--port", "0"] + arguments,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.pid = self.process.pid
        self.url = self._wait_for_listening()

    def _wait_for_listening(self):
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=FAKE_START_TIMEOUT)
        except queue.Empty:
            self.stop()
            raise DemoError(f"{self.name} printed no LISTENING line within {FAKE_START_TIMEOUT} s; log: {self.log_text()}")
        if not line.startswith("LISTENING "):
            self.stop()
            raise DemoError(f"{self.name} did not start (output {line.strip()!r}); log: {self.log_text()}")
        return line.split()[1]

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace").strip() or "(empty)"

    def get(self, path, user=None, password=None):
        """Return the JSON of GET `path` on this fake, bypassing any proxy, with HTTP Basic when `user` is set."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(self.url + path)
        if user is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with opener.open(request, timeout=30) as response:
                return json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DemoError(f"GET {self.url}{path} on {self.name} failed: {error}") from error

    def stop(self):
        """Stop the fake with SIGTERM, and SIGKILL if it is still running 5 s later."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()


def run_binary(command, environment):
    try:
        return subprocess.run(command, env=environment, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise DemoError(f"wf2cloudinary did not finish within {RUN_TIMEOUT} s") from error


# ---------------------------------------------------------------------------
# Report

def report(workfront, cloudinary):
    """Print each task's outcome and each document's asset, and return what differs from the expected outcome."""
    state = workfront.get("/_fake/state")
    assets = cloudinary.get("/_fake/state")["assets"]
    deviations = []
    for task in TASKS:
        task_state = state["tasks"][task["ID"]]
        before, after = task["status"], task_state["status"]
        change = f"{before} -> {after}" if before != after else f"{after} (unchanged)"
        print(f"\n  Task {task['ID']} \"{task['name']}\": {change}")
        notes = [note["noteText"] for note in state["notes"] if note["objID"] == task["ID"]]
        if before != "UPL":
            downloads = sum(state["documents"][document["ID"]].get("downloadRequests", 0) for document in task["documents"])
            print(f"    not in a trigger status, so left alone ({downloads} downloads)")
            if after != before or downloads or notes:
                deviations.append(f"{task['ID']} was touched although its status is {before}")
            continue

        for document in task["documents"]:
            deviations += report_document(workfront, cloudinary, document, state["documents"][document["ID"]], assets)
        for text in notes:
            print("    Note on the task:")
            for line in text.splitlines():
                print(f"      | {line}")

        has_empty = any(document["fileName"] == "empty notes.txt" for document in task["documents"])
        expected = "ERR" if has_empty else "CPL"
        if after != expected:
            deviations.append(f"{task['ID']} ended in {after}, expected {expected}")
        if has_empty and not any("empty notes.txt" in text for text in notes):
            deviations.append(f"{task['ID']} has no note naming empty notes.txt")
    return deviations


def report_document(workfront, cloudinary, document, document_state, assets):
    """Print where one document went, and return what differs from the expected outcome."""
    digest = workfront.get(f"/_fake/document/{document['ID']}/digest")
    print(f"    {document['fileName']}  ({digest['size']:,} bytes)")
    public_id = document_state.get(PUBLIC_ID_FIELD) or document["ID"]
    asset = assets.get(public_id)
    if asset is None:
        if digest["size"] == 0:
            print("      not uploaded: Cloudinary rejects empty files (see the note on the task)")
            return []
        print("      not uploaded (see the note on the task)")
        return [f"{document['fileName']} was not uploaded"]

    # The Admin API's resource lookup returns the upload result, secure URL included.
    details = cloudinary.get(f"/v1_1/{CLOUD_NAME}/resources/{asset['resource_type']}/upload/"
                             + urllib.parse.quote(public_id, safe=""),
                             user=CLOUDINARY_API_KEY, password=CLOUDINARY_API_SECRET)
    chunks = asset.get("chunks") or []
    how = f"{len(chunks)} chunks" if chunks else "one request"
    kind = "/".join(part for part in (asset["resource_type"], asset.get("format")) if part)
    print(f"      public ID    {asset['public_id']}  ({kind}, sent in {how})")
    print(f"      secure URL   {details['secure_url']}")
    print(f"      folder       {asset.get('asset_folder')}; display name \"{asset.get('display_name')}\"")

    deviations = []
    if asset.get("etag") == digest["md5"] and asset.get("bytes") == digest["size"]:
        print(f"      MD5          {asset['etag']}, same as the Workfront original")
    else:
        print(f"      MD5          {asset.get('etag')} ({asset.get('bytes')} bytes) DIFFERS from the Workfront "
              f"original's {digest['md5']} ({digest['size']} bytes)")
        deviations.append(f"{document['fileName']} arrived with other bytes")

    written_url = document_state.get("description")
    written_id = document_state.get(PUBLIC_ID_FIELD)
    if written_url == details["secure_url"] and written_id == asset["public_id"]:
        print(f"      Workfront    description = the secure URL, {PUBLIC_ID_FIELD} = the public ID")
    else:
        print(f"      Workfront    description = {written_url!r}, {PUBLIC_ID_FIELD} = {written_id!r}")
        deviations.append(f"{document['fileName']}: the secure URL or public ID was not written back")
    return deviations


def explain_exit(code, deviations):
    meanings = {0: "success: every task is done", 1: "some task failed",
                2: "usage or configuration error", 3: "a remote service refused the credentials"}
    print(f"  wf2cloudinary exited with {code} ({meanings.get(code, 'unexpected exit status')}).")
    if code != 1:
        deviations.append(f"wf2cloudinary exited with {code}, expected 1")
    if deviations:
        print("\n  Unexpected:")
        for deviation in deviations:
            print(f"  - {deviation}")
        return
    print("  That is the expected result. Cloudinary does not accept empty files, so \"empty notes.txt\" failed\n"
          "  and task-teaser went to ERR with a note naming it. The clip on the same task was still uploaded.\n"
          "  Every other document arrived with the same MD5 as in Workfront, and the INP task was left alone.")


def heading(text):
    print(f"\n== {text} " + "=" * max(0, 70 - len(text)))


def print_block(title, text):
    print(f"  --- {title} ---")
    lines = text.rstrip("\n").splitlines()
    for line in lines or ["(nothing)"]:
        print(f"  {line}")
    print()


def format_size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size} bytes"


if __name__ == "__main__":
    sys.exit(main())
