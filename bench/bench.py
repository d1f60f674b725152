#!/usr/bin/env python3
"""Measure `wf2cloudinary once` against the test fakes, and the same transfers done by curl.

Run from the repository root after a release build:

    python3 bench/bench.py [--binary .build/release/wf2cloudinary]

Each row moves one set of documents at one `workers` setting. Every
measurement starts fresh fakes, so the tasks are in UPL again, and gives
wf2cloudinary a fresh upload journal. Each measurement runs `--repeat`
times and the table shows the median. A row has:

* wf2cloudinary: wall time of `wf2cloudinary once` (sign-in, discovery,
  transfers, write-back), its peak RSS and CPU time from `/usr/bin/time -v`;
* curl pipeline: per document, `curl` downloading from the fake Workfront
  piped into `curl` POSTing a signed multipart request to the fake
  Cloudinary, `workers` pipelines at once. It is one request per document,
  so that fake Cloudinary runs with a `--max-file-size` above the largest
  document;
* fake ceilings: one `curl --parallel` downloading every document to
  /dev/null, and the curl pipeline with `head -c N /dev/zero` in place of
  the download.

The last set repeats the 500 small documents with both fakes waiting 20 ms
before each response, as a distant service would: without that wait the fakes'
CPU bounds the rate, and the rows cannot show workers overlapping requests.

MB is 10^6 bytes and MiB is 2^20 bytes. The script prints one Markdown
table, then each target and whether this run met it.
"""

import argparse
import concurrent.futures
import functools
import json
import os
import platform
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPOSITORY, "Tests", "Fakes"))

from fakelib import cloudinary_params  # noqa: E402
from fakelib.testing import (FakeProcess, make_jwt, make_rsa_key, multipart_head, multipart_tail,  # noqa: E402
                             workfront_claims)

CLOUD_NAME = "bench-cloud"
API_KEY = "614335564976464"
API_SECRET = "bench-secret-Q7rT2"
WORKFRONT_AUTH = {"clientId": "bench-client", "clientSecret": "bench-client-secret", "customerId": "customer-1",
                  "userId": "user-1"}
# The service's default `cloudinary.chunkSize`. The RSS target allows one chunk per worker.
CHUNK_SIZE = 20_000_000
RSS_BASE_LIMIT = 64 << 20
# The curl pipeline sends each document in one request, so its fake Cloudinary
# accepts files up to this size (the default limit is 100 MiB).
CURL_MAX_FILE_SIZE = 8 << 30

# (label, documents, bytes each, milliseconds both fakes wait before each response)
SCENARIOS = [
    ("1 × 2 GiB", 1, 2 << 30, 0),
    ("20 × 50 MB", 20, 50_000_000, 0),
    ("500 × 200 KB", 500, 200_000, 0),
    ("500 × 200 KB, 20 ms latency", 500, 200_000, 20),
]
WORKERS = (1, 4, 8)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--binary", default=os.path.join(REPOSITORY, ".build", "release", "wf2cloudinary"),
                        help="wf2cloudinary binary to measure (default: .build/release/wf2cloudinary)")
    parser.add_argument("--scenarios", default="all",
                        help="comma-separated scenario numbers, 1 = 1 × 2 GiB, 2 = 20 × 50 MB, "
                             "3 = 500 × 200 KB, 4 = 500 × 200 KB with 20 ms per request (default: all)")
    parser.add_argument("--workers", default=",".join(map(str, WORKERS)),
                        help="comma-separated `workers` settings (default: 1,4,8)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement; the table shows the median (default: 3)")
    parser.add_argument("--quiet-wait", type=int, default=30,
                        help="seconds to wait before each measurement for other processes to leave the CPU "
                             "(below a quarter of a core); 0 measures at once (default: 30)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder with logs and configs")
    return parser.parse_args()


# Fakes

def write_scenario(directory, public_key_path, count, size):
    """Write a Workfront scenario of `count` tasks in UPL, each with one generated document of `size` bytes."""
    tasks = []
    for index in range(count):
        document_id = f"doc-{index:04d}"
        tasks.append({
            "ID": f"task-{index:04d}", "name": f"Bench task {index}", "status": "UPL", "projectID": "proj-1",
            "parameterValues": {},
            "documents": [{
                "ID": document_id, "name": f"Bench document {index}", "description": "",
                "version": {"ID": f"{document_id}-v1", "version": "1", "fileName": f"asset-{index:04d}.mp4",
                            "ext": "mp4"},
                "content": {"generated": {"size": size, "seed": document_id}},
                "download": {},
            }],
        })
    scenario = {
        "auth": dict(WORKFRONT_AUTH, publicKeyFile=public_key_path, sessionIdleSeconds=3600),
        "apiVersions": ["v21.0"],
        "projects": [{"ID": "proj-1", "name": "Bench", "parameterValues": {}}],
        "tasks": tasks,
    }
    path = os.path.join(directory, f"scenario-{count}x{size}.json")
    with open(path, "w", encoding="utf-8") as file:
        json.dump(scenario, file)
    return path


class Fakes:
    """A fresh fake Workfront and fake Cloudinary, stopped on exit."""

    def __init__(self, scenario_path, latency, cloudinary_arguments=()):
        latency_arguments = ["--latency", str(latency)]
        self.workfront = FakeProcess("fake_workfront.py", ["--scenario", scenario_path, *latency_arguments])
        try:
            self.cloudinary = FakeProcess("fake_cloudinary.py", ["--cloud-name", CLOUD_NAME, "--api-key", API_KEY,
                                                                 "--api-secret", API_SECRET, *latency_arguments,
                                                                 *cloudinary_arguments])
        except Exception:
            self.workfront.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.workfront.stop()
        self.cloudinary.stop()

    def cpu_seconds(self):
        """Return the CPU seconds the fake Workfront and the fake Cloudinary have used so far."""
        return process_cpu_seconds(self.workfront.process.pid), process_cpu_seconds(self.cloudinary.process.pid)

    def check_delivered(self, count, size, check_tasks):
        """Return None when every document reached Cloudinary whole (and every task is CPL), else what is wrong."""
        assets = self.cloudinary.state()["assets"]
        wrong = [public_id for public_id, asset in assets.items() if asset["bytes"] != size]
        if len(assets) != count or wrong:
            return f"{len(assets)} assets of {count}, {len(wrong)} with the wrong size"
        if check_tasks:
            tasks = self.workfront.state()["tasks"]
            open_tasks = [task_id for task_id, task in tasks.items() if task["status"] != "CPL"]
            if open_tasks:
                return f"{len(open_tasks)} tasks not CPL, for example {open_tasks[0]}"
        return None


def process_cpu_seconds(pid):
    """Return the user + system CPU seconds that process `pid` has used so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as file:
        # The command name in brackets may contain spaces, so split after it.
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """Return the CPU seconds all processes on this machine have used since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as file:
        ticks = [int(value) for value in file.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet_machine(max_wait, busy_cores=0.25):
    """Wait until the machine's other processes use less than `busy_cores` cores over 2 s, for at most
    `max_wait` seconds. Return False when the machine stayed busy."""
    if max_wait <= 0:
        return True
    deadline = time.monotonic() + max_wait
    while True:
        before = machine_busy_seconds()
        time.sleep(2)
        if (machine_busy_seconds() - before) / 2 < busy_cores:
            return True
        if time.monotonic() >= deadline:
            print(f"  note: other processes kept more than {busy_cores} cores busy for {max_wait} s; "
                  f"measuring anyway", flush=True)
            return False


# wf2cloudinary

def parse_time_output(path):
    """Return (peak RSS in bytes, user + system CPU seconds) from a `/usr/bin/time -v -o` file."""
    values = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            name, _, value = line.strip().rpartition(": ")
            values[name] = value
    return (int(values["Maximum resident set size (kbytes)"]) * 1024,
            float(values["User time (seconds)"]) + float(values["System time (seconds)"]))


@functools.cache
def supports_state_dir(binary):
    """Return whether this build has the --state-dir option (builds without an upload journal do not)."""
    usage = subprocess.run([binary, "--help"], capture_output=True, text=True, check=False)
    return "--state-dir" in usage.stdout + usage.stderr


def run_wf2cloudinary(binary, workdir, fakes, workers, private_key_path, label):
    """Run `wf2cloudinary once` under /usr/bin/time.

    Return (seconds, peak RSS bytes, CPU seconds, exit code, log path).
    """
    config_path = os.path.join(workdir, f"{label}.json")
    with open(config_path, "w", encoding="utf-8") as file:
        json.dump({"workfront": {"url": fakes.workfront.url, "apiVersion": "v21.0", "pageSize": 2000},
                   "workers": workers}, file)
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("NOTIFY_SOCKET", "JOURNAL_STREAM", "CREDENTIALS_DIRECTORY", "WATCHDOG_USEC",
                                   "WATCHDOG_PID")}
    environment.update({
        "CLOUDINARY_URL": f"cloudinary://{API_KEY}:{API_SECRET}@{CLOUD_NAME}?upload_prefix={fakes.cloudinary.url}",
        "WORKFRONT_CLIENT_ID": WORKFRONT_AUTH["clientId"],
        "WORKFRONT_CLIENT_SECRET": WORKFRONT_AUTH["clientSecret"],
        "WORKFRONT_CUSTOMER_ID": WORKFRONT_AUTH["customerId"],
        "WORKFRONT_USER_ID": WORKFRONT_AUTH["userId"],
        "WORKFRONT_PRIVATE_KEY_FILE": private_key_path,
    })
    command = [binary, "once", "--config", config_path]
    if supports_state_dir(binary):
        # A fresh upload journal, so no document counts as uploaded by an earlier run.
        command += ["--state-dir", os.path.join(workdir, f"{label}.state")]
    time_path = os.path.join(workdir, f"{label}.time")
    log_path = os.path.join(workdir, f"{label}.log")
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        completed = subprocess.run(["/usr/bin/time", "-v", "-o", time_path] + command,
                                   env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        seconds = time.perf_counter() - started
    rss, cpu = parse_time_output(time_path)
    return seconds, rss, cpu, completed.returncode, log_path


# curl

def workfront_session(fakes, private_key_path):
    """Sign in to the fake Workfront with a JWT and return the session ID."""
    token = make_jwt(private_key_path, workfront_claims(WORKFRONT_AUTH["customerId"], WORKFRONT_AUTH["userId"]))
    form = urllib.parse.urlencode({"client_id": WORKFRONT_AUTH["clientId"],
                                   "client_secret": WORKFRONT_AUTH["clientSecret"], "jwt_token": token}).encode()
    request = urllib.request.Request(fakes.workfront.url + "/integrations/oauth2/api/v1/jwt/exchange", data=form)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["access_token"]


def write_upload_form(directory, index, file_name):
    """Write the signed multipart text before and after the file bytes, and return (head path, tail path, boundary)."""
    params = {"public_id": f"curl-{index:04d}", "overwrite": "true", "asset_folder": "workfront",
              "display_name": f"Bench document {index}", "timestamp": str(int(time.time()))}
    params["signature"] = cloudinary_params.sign(cloudinary_params.string_to_sign(params), API_SECRET, "sha1")
    params["api_key"] = API_KEY
    boundary = uuid.uuid4().hex
    head_path = os.path.join(directory, f"form-{index:04d}.head")
    tail_path = os.path.join(directory, f"form-{index:04d}.tail")
    with open(head_path, "wb") as file:
        file.write(multipart_head(boundary, params, file_name, "video/mp4"))
    with open(tail_path, "wb") as file:
        file.write(multipart_tail(boundary))
    return head_path, tail_path, boundary


def pipeline_commands(directory, fakes, session_id, count, size, source):
    """Return one bash command per document: the file bytes from `source` into a signed upload.

    `source` is "download" (curl from the fake Workfront) or "zeros" (`head -c SIZE /dev/zero`).
    """
    upload_url = f"{fakes.cloudinary.url}/v1_1/{CLOUD_NAME}/auto/upload"
    commands = []
    for index in range(count):
        head, tail, boundary = write_upload_form(directory, index, f"asset-{index:04d}.mp4")
        if source == "download":
            producer = (f"curl -sS --fail -H {shlex.quote('sessionID: ' + session_id)} "
                        f"{shlex.quote(fakes.workfront.url + '/document/download?ID=' + f'doc-{index:04d}')}")
        else:
            producer = f"head -c {size} /dev/zero"
        # `-T -` streams stdin as the request body and `-X POST` keeps the verb.
        # An explicit Content-Length in place of chunked framing was faster
        # against the Python fake (about 380 against 300 MB/s for 1 GiB).
        length = os.path.getsize(head) + size + os.path.getsize(tail)
        consumer = (f"curl -sS --fail -o /dev/null -X POST -T - -H 'Expect:' -H 'Transfer-Encoding:' "
                    f"-H 'Content-Length: {length}' -H 'Content-Type: multipart/form-data; boundary={boundary}' "
                    f"{shlex.quote(upload_url)}")
        commands.append(f"set -o pipefail; {{ cat {head}; {producer}; cat {tail}; }} | {consumer}")
    return commands


def run_parallel(commands, workers):
    """Run bash commands, `workers` at a time, and return (seconds, children's CPU seconds, failures)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        codes = list(pool.map(lambda command: subprocess.run(["bash", "-c", command]).returncode, commands))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, sum(1 for code in codes if code != 0)


def run_download_ceiling(directory, fakes, session_id, count, workers):
    """Download every document to /dev/null with one `curl --parallel`, and return (seconds, exit code)."""
    config_path = os.path.join(directory, "download-ceiling.curlrc")
    with open(config_path, "w", encoding="utf-8") as file:
        file.write(f'header = "sessionID: {session_id}"\n')
        for index in range(count):
            file.write(f'url = "{fakes.workfront.url}/document/download?ID=doc-{index:04d}"\noutput = "/dev/null"\n')
    started = time.perf_counter()
    # curl 7.88 may show its parallel progress meter despite --silent, so stderr
    # is shown only when the download fails.
    completed = subprocess.run(["curl", "-sS", "--fail", "--parallel", "--parallel-max", str(workers),
                                "-K", config_path], stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stderr.buffer.write(completed.stderr)
    return seconds, completed.returncode


# Report

def machine_description(binary):
    cpu_model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            cpu_model = next(line.split(":", 1)[1].strip() for line in file if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    curl_version = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    swift_version = ""
    if shutil.which("swift"):
        swift_version = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().split("\n")[0]
    return (f"{os.cpu_count()} × {cpu_model}, {memory:.0f} GiB RAM, Linux {platform.release()}; "
            f"Python {platform.python_version()} (fakes); {' '.join(curl_version.split()[:2])}; {swift_version}; "
            f"binary {binary}")


def measure_wf2cloudinary(arguments, workdir, scenario, keys, workers, name):
    """Run wf2cloudinary once against fresh fakes, and return its measurements and a problem description or None."""
    scenario_path, count, size, latency = scenario
    wait_for_quiet_machine(arguments.quiet_wait)
    with Fakes(scenario_path, latency) as fakes:
        fakes_before = fakes.cpu_seconds()
        machine_before = machine_busy_seconds()
        seconds, rss, cpu, code, log_path = run_wf2cloudinary(arguments.binary, workdir, fakes, workers, keys[0], name)
        machine_cpu = machine_busy_seconds() - machine_before
        fakes_cpu = [after - before for after, before in zip(fakes.cpu_seconds(), fakes_before)]
        problem = fakes.check_delivered(count, size, check_tasks=True)
    if code != 0 or problem:
        problem = f"wf2cloudinary exited {code}; {problem or 'every document delivered'}; log {log_path}"
    return {"seconds": seconds, "rss": rss, "cpu": cpu, "fakes_cpu": fakes_cpu,
            "other_cpu": max(machine_cpu - cpu - sum(fakes_cpu), 0)}, problem


def measure_curl(arguments, workdir, scenario, keys, workers):
    """Run the curl pipeline and both fake ceilings against fresh fakes, and return the measurements and problems."""
    scenario_path, count, size, latency = scenario
    problems = []
    wait_for_quiet_machine(arguments.quiet_wait)
    with Fakes(scenario_path, latency, ["--max-file-size", str(CURL_MAX_FILE_SIZE)]) as fakes:
        session_id = workfront_session(fakes, keys[0])
        forms = tempfile.mkdtemp(dir=workdir)
        commands = pipeline_commands(forms, fakes, session_id, count, size, "download")
        curl_seconds, curl_cpu, curl_failed = run_parallel(commands, workers)
        problem = fakes.check_delivered(count, size, check_tasks=False)
        if curl_failed or problem:
            problems.append(f"{curl_failed} curl pipelines failed; {problem or 'every document delivered'}")

        download_seconds, download_code = run_download_ceiling(forms, fakes, session_id, count, workers)
        if download_code != 0:
            problems.append(f"curl --parallel download exited {download_code}")
        zero_commands = pipeline_commands(forms, fakes, session_id, count, size, "zeros")
        upload_seconds, _, upload_failed = run_parallel(zero_commands, workers)
        if upload_failed:
            problems.append(f"{upload_failed} uploads of zeros failed")
        shutil.rmtree(forms)
    return {"curl_seconds": curl_seconds, "curl_cpu": curl_cpu, "download_seconds": download_seconds,
            "upload_seconds": upload_seconds}, problems


def median_run(runs, key):
    """Return the run whose `key` is the median (the upper one of an even count)."""
    return sorted(runs, key=lambda run: run[key])[len(runs) // 2]


def measure_row(arguments, workdir, scenario, keys, label, workers, failures):
    """Measure one row `arguments.repeat` times, alternating wf2cloudinary and curl, and return the row built from
    the median runs. `scenario` is (scenario file, documents, bytes each, latency in ms)."""
    _, count, size, latency = scenario
    client_runs = []
    curl_runs = []
    for repetition in range(arguments.repeat):
        name = f"{count}x{size}-l{latency:g}-w{workers}-r{repetition + 1}"
        client, problem = measure_wf2cloudinary(arguments, workdir, scenario, keys, workers, name)
        client_runs.append(client)
        if problem:
            failures.append(f"{label}, workers {workers}: {problem}")
        curl, problems = measure_curl(arguments, workdir, scenario, keys, workers)
        curl_runs.append(curl)
        failures.extend(f"{label}, workers {workers}: {problem}" for problem in problems)
        print(f"  {label}, workers {workers}, run {repetition + 1}: wf2cloudinary {client['seconds']:.2f} s "
              f"(peak RSS {client['rss'] / (1 << 20):.1f} MiB), curl pipeline {curl['curl_seconds']:.2f} s, "
              f"download {curl['download_seconds']:.2f} s, upload {curl['upload_seconds']:.2f} s", flush=True)

    row = {"label": label, "count": count, "size": size, "latency": latency, "workers": workers,
           "total_bytes": count * size}
    row.update(median_run(client_runs, "seconds"))
    row["rss"] = max(run["rss"] for run in client_runs)
    row["curl_seconds"], row["curl_cpu"] = (median_run(curl_runs, "curl_seconds")[key]
                                            for key in ("curl_seconds", "curl_cpu"))
    row["download_seconds"] = median_run(curl_runs, "download_seconds")["download_seconds"]
    row["upload_seconds"] = median_run(curl_runs, "upload_seconds")["upload_seconds"]
    return row


def print_table(rows):
    print("| documents | workers | wf2cloudinary MB/s | documents/s | peak RSS MiB | CPU s/GB "
          "| CPU % of a core: client + Workfront fake + Cloudinary fake + other "
          "| curl pipeline MB/s | curl documents/s | curl CPU s/GB | wf2cloudinary ÷ curl "
          "| fake download MB/s | fake upload MB/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        megabytes = row["total_bytes"] / 1e6
        gigabytes = row["total_bytes"] / 1e9
        throughput = megabytes / row["seconds"]
        curl_throughput = megabytes / row["curl_seconds"]
        print(f"| {row['label']} | {row['workers']} | {throughput:.1f} | {row['count'] / row['seconds']:.1f} "
              f"| {row['rss'] / (1 << 20):.1f} | {row['cpu'] / gigabytes:.2f} | {busy_percent(row)} "
              f"| {curl_throughput:.1f} | {row['count'] / row['curl_seconds']:.1f} "
              f"| {row['curl_cpu'] / gigabytes:.2f} | {throughput / curl_throughput:.2f} "
              f"| {megabytes / row['download_seconds']:.1f} | {megabytes / row['upload_seconds']:.1f} |")


def main():
    arguments = parse_arguments()
    # SIGTERM unwinds like Ctrl-C, so the fakes started so far are stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if not os.access(arguments.binary, os.X_OK):
        print(f"bench: {arguments.binary} is not an executable file. Build it with `make release` "
              f"or pass --binary.", file=sys.stderr)
        return 2
    if not os.path.exists("/usr/bin/time"):
        subprocess.run([os.path.join(REPOSITORY, "scripts", "install-packages"), "time"], check=True)
    scenarios = SCENARIOS if arguments.scenarios == "all" else [
        SCENARIOS[int(number) - 1] for number in arguments.scenarios.split(",")]
    worker_settings = [int(value) for value in arguments.workers.split(",")]

    workdir = tempfile.mkdtemp(prefix="wf2c-bench-")
    keys = make_rsa_key(workdir)
    print(f"machine: {machine_description(arguments.binary)}", flush=True)
    print(f"load average at start: {' '.join(f'{load:.2f}' for load in os.getloadavg())}", flush=True)
    rows = []
    failures = []
    started = time.perf_counter()
    for label, count, size, latency in scenarios:
        scenario = (write_scenario(workdir, keys[1], count, size), count, size, latency)
        for workers in worker_settings:
            rows.append(measure_row(arguments, workdir, scenario, keys, label, workers, failures))

    print(f"\nMedian of {arguments.repeat} runs; peak RSS is the highest of them. MB/s is 10^6 bytes per second.\n")
    print_table(rows)
    print()
    print_targets(rows)
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"\ntotal time {time.perf_counter() - started:.0f} s; working folder {workdir}"
          f"{'' if arguments.keep else ' (removed)'}")
    if not arguments.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


def busy_percent(row):
    """Return the CPU use during the wf2cloudinary run in percent of one core, as
    `client + Workfront fake + Cloudinary fake + other processes`."""
    workfront, cloudinary = row["fakes_cpu"]
    parts = (row["cpu"], workfront, cloudinary, row["other_cpu"])
    return " + ".join(f"{seconds / row['seconds'] * 100:.0f}" for seconds in parts)


def print_targets(rows):
    """Print each target with the measured values and whether it was met."""
    def verdict(met):
        return "met" if met else "NOT met"

    largest = [row for row in rows if row["count"] == 1 and row["size"] == 2 << 30]
    for row in largest:
        if row["workers"] == 1:
            rss = row["rss"]
            print(f"- peak RSS under 64 MiB for 2 GiB at workers 1: {rss / (1 << 20):.1f} MiB, "
                  f"{verdict(rss < RSS_BASE_LIMIT)}")
    for row in rows:
        limit = RSS_BASE_LIMIT + row["workers"] * CHUNK_SIZE
        if row["rss"] >= limit:
            print(f"- peak RSS under 64 MiB + workers × chunk size: {row['label']} at workers {row['workers']} "
                  f"used {row['rss'] / (1 << 20):.1f} MiB of {limit / (1 << 20):.1f} MiB, NOT met")
    if all(row["rss"] < RSS_BASE_LIMIT + row["workers"] * CHUNK_SIZE for row in rows):
        print("- peak RSS under 64 MiB + workers × chunk size at every setting: met")
    for row in largest:
        ratio = row["curl_seconds"] / row["seconds"]
        print(f"- throughput at least 0.9 of the curl pipeline for 2 GiB at workers {row['workers']}: "
              f"{ratio:.2f}, {verdict(ratio >= 0.9)}")
    for latency in sorted({row["latency"] for row in rows if row["count"] == 500}):
        small = {row["workers"]: row for row in rows if row["count"] == 500 and row["latency"] == latency}
        if 1 in small and 8 in small:
            speedup = small[1]["seconds"] / small[8]["seconds"]
            print(f"- 500 small documents at workers 8 at least 5 times faster than at workers 1, "
                  f"{latency:g} ms latency: {speedup:.2f} times, {verdict(speedup >= 5)}")


if __name__ == "__main__":
    sys.exit(main())
