#!/usr/bin/env python3
"""Run `wf2cloudinary once` against fresh fakes with random request faults, and count what went wrong.

Run from the repository root after a build:

    python3 bench/faults.py [--binary PATH] [--runs 200] [--seed S] [--jobs 2]

Each run starts both fakes with a random small tenant: 1 to 4 tasks in UPL
with 1 to 3 documents each, of 0 B to 3 MB (mostly under 200 kB), and about
one document in 20 larger than `cloudinary.chunkSize` (5 MiB), so that it goes
up in chunks. It then scripts 1 to 3 random faults through
/_fake/request-faults of either fake (see docs/fault-injection.md) and runs
`wf2cloudinary once` until no task is left in UPL, at most 8 times. The
daemon's first retry waits 1 s and has no setting, so each run injects few
faults to stay short.

The script prints one Markdown table and, for each run that missed a target,
what went wrong. A run's faults depend only on the seed and the run number,
so `--seed S --only N` repeats run N (the daemon's own timing may differ).
"""

import argparse
import collections
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fakerun import (KeyPair, Tenant, default_binary, find_secrets, last_lines, redact_hex)  # noqa: E402

CHUNK_SIZE = 5 << 20
MAX_PASSES = 8
PASS_TIMEOUT = 300
# Relative weights of the request kinds that faults target; `get` is rare because `once` seldom reads one object.
KIND_WEIGHTS = {"exchange": 1, "search": 2, "get": 0.3, "update": 2, "note": 1, "download": 3, "upload": 3}
FAULT_WEIGHTS = {"status": 4, "html": 1, "truncate": 1, "reset": 3, "stall": 1, "expireSession": 1}
# Upload faults after which Cloudinary has stored the asset but the daemon never read the response, so
# the daemon cannot know that the upload succeeded and a second upload is expected.
ANSWER_LOST = ("reset-response", "truncate")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--binary", default=default_binary(), help="wf2cloudinary binary (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=200, help="number of runs (default: 200)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one, printed)")
    parser.add_argument("--only", type=int, default=None, help="run only this run number of the seed")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default: 2)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder with every run's logs")
    return parser.parse_args()


def random_size(rng):
    """Return a document size: about 1 in 20 above the chunk size, 1 in 30 empty, the rest mostly small."""
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(CHUNK_SIZE + 1, 2 * CHUNK_SIZE + CHUNK_SIZE // 2)
    if roll < 0.083:
        return 0
    if roll < 0.75:
        return rng.randint(1, 200_000)
    return rng.randint(200_001, 3_000_000)


def random_tenant(rng, run):
    tasks = []
    for task_number in range(rng.randint(1, 4)):
        task_id = f"r{run}-task-{task_number + 1}"
        documents = [(f"r{run}-doc-{task_number + 1}-{number + 1}", random_size(rng), rng.choice(
            ("jpg", "png", "pdf", "mp4", "txt", "zip"))) for number in range(rng.randint(1, 3))]
        tasks.append((task_id, documents))
    return tasks


def weighted(rng, weights):
    names = list(weights)
    return rng.choices(names, [weights[name] for name in names])[0]


def random_fault(rng):
    """Return (label, spec) of one request fault for either fake."""
    kind = weighted(rng, KIND_WEIGHTS)
    fault_type = weighted(rng, FAULT_WEIGHTS)
    if fault_type == "expireSession" and kind in ("exchange", "upload"):
        fault_type = "status"
    if fault_type == "status":
        fault = {"status": rng.choice((500, 502, 503, 429))}
        if rng.random() < 0.3:
            fault["retryAfter"] = rng.randint(1, 2)
        label = f"status {fault['status']}"
    elif fault_type == "reset":
        phase = rng.choice(("request", "response"))
        fault = {"reset": True, "phase": phase, "afterBytes": rng.choice((0, 100, 10_000, 1 << 20))}
        label = f"reset-{phase}"
    elif fault_type == "stall":
        fault = {"stall": round(rng.uniform(0.5, 3.0), 1)}
        label = "stall"
    else:
        fault = {fault_type: True}
        label = fault_type
    times = 1 if rng.random() < 0.8 else 2
    return label, {"kind": kind, "fault": fault, "times": times}


def run_once_passes(tenant, binary):
    """Run `once` until no task is in UPL or MAX_PASSES are done; return (outputs, exit codes)."""
    outputs, codes = [], []
    for _ in range(MAX_PASSES):
        try:
            result = subprocess.run(tenant.command(binary, "once"), env=tenant.environment, capture_output=True,
                                    timeout=PASS_TIMEOUT, stdin=subprocess.DEVNULL)
            outputs += [result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")]
            codes.append(result.returncode)
        except subprocess.TimeoutExpired as expired:
            outputs += [(expired.stdout or b"").decode("utf-8", "replace"),
                        (expired.stderr or b"").decode("utf-8", "replace")]
            codes.append("timeout")
        if not tenant.tasks_in_trigger_status():
            break
    return outputs, codes


def run_one(run, seed, binary, keys, work_directory):
    rng = random.Random(f"{seed}:{run}")
    tasks = random_tenant(rng, run)
    faults = [random_fault(rng) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    directory = os.path.join(work_directory, f"run-{run:04d}")
    started = time.monotonic()
    tenant = Tenant(directory, keys, tasks,
                    config_extra={"workers": rng.randint(1, 3), "cloudinary": {"chunkSize": CHUNK_SIZE}})
    try:
        for label, spec in faults:
            fake = tenant.cloudinary if spec["kind"] == "upload" else tenant.workfront
            fake.post("/_fake/request-faults", spec)
        outputs, codes = run_once_passes(tenant, binary)
        findings = tenant.check()
        fired = (tenant.workfront.get("/_fake/request-faults")["fired"]
                 + tenant.cloudinary.get("/_fake/request-faults")["fired"])
        secrets = find_secrets(outputs, tenant.secrets())
        fake_errors = tenant.workfront.logged_errors() + tenant.cloudinary.logged_errors()
    finally:
        tenant.stop()
    with open(os.path.join(directory, "daemon-output.txt"), "w", encoding="utf-8") as file:
        for number, (stdout, stderr) in enumerate(zip(outputs[::2], outputs[1::2])):
            file.write(f"### pass {number + 1}, exit {codes[number]}\n--- stdout\n{stdout}--- stderr\n{stderr}\n")
    fired_labels = [fired_label(entry) for entry in fired]
    answer_lost = any(label in ANSWER_LOST and kind == "upload" for kind, label in fired_labels)
    return {"run": run, "tasks": tasks, "faults": faults, "fired": fired_labels, "codes": codes,
            "findings": findings, "secrets": secrets, "fake_errors": fake_errors, "answer_lost": answer_lost,
            "seconds": time.monotonic() - started, "last_output": last_lines(outputs[-1] if outputs else ""),
            "directory": directory}


def fired_label(entry):
    fault = entry["fault"]
    if "status" in fault:
        return entry["kind"], f"status {fault['status']}"
    if "reset" in fault:
        return entry["kind"], f"reset-{fault.get('phase', 'request')}"
    return entry["kind"], next(iter(fault))


def problems(record):
    """Return the targets a run missed, as short sentences."""
    findings = record["findings"]
    found = []
    if findings["lost"]:
        found.append(f"not in Cloudinary: {', '.join(findings['lost'])}")
    if findings["wrong"]:
        found.append(f"wrong MD5 or size in Cloudinary: {', '.join(findings['wrong'])}")
    if findings["stuck"]:
        found.append(f"left in a non-final status: {', '.join(findings['stuck'])}")
    if findings["failed_by_fault"]:
        found.append(f"ERR without an empty document: {', '.join(findings['failed_by_fault'])}")
    if findings["wrongly_done"]:
        found.append(f"CPL despite an empty document: {', '.join(findings['wrongly_done'])}")
    if findings["duplicates"] and not record["answer_lost"]:
        found.append(f"uploaded twice without a lost answer: {findings['duplicates']}")
    if record["secrets"]:
        found.append(f"secrets in the output: {', '.join(record['secrets'])}")
    crashed = [code for code in record["codes"] if code == "timeout" or (isinstance(code, int) and code < 0)]
    if crashed:
        found.append(f"passes that crashed or hung: {crashed}")
    if record["fake_errors"]:
        found.append(f"{record['fake_errors']} tracebacks in the fakes' logs")
    return found


def note_causes(note):
    """Return the error of each failed document in a task note, with IDs, numbers and quoted bodies generalised."""
    causes = []
    for line in note.splitlines():
        match = re.match(r"^- .+? \(document [^)]+\): (.*)$", line)
        if not match:
            continue
        cause = re.sub(r"r\d+-(doc|task)-[\d-]+", "<id>", match.group(1))
        cause = re.sub(r"(?<!HTTP )(?<!\d)\d+", "N", cause)
        cause = re.sub(r"(\(not JSON\)|received [^:]+:).*$", r"\1 ...", cause)
        causes.append(cause.replace("|", "/"))
    return causes


def print_report(records, seed, arguments, elapsed):
    injected = collections.Counter()
    fired = collections.Counter()
    by_type = collections.Counter()
    for record in records:
        for _, spec in record["faults"]:
            injected[spec["kind"]] += 1
        for kind, label in record["fired"]:
            fired[kind] += 1
            by_type[label] += 1

    total = collections.Counter()
    for record in records:
        findings = record["findings"]
        total["expected"] += findings["expected"]
        total["landed"] += findings["landed"]
        total["written_back"] += findings["written_back"]
        total["lost"] += len(findings["lost"]) + len(findings["wrong"])
        total["stuck"] += len(findings["stuck"])
        total["failed_by_fault"] += len(findings["failed_by_fault"])
        total["extra_notes"] += len(findings["extra_notes"])
        duplicates = sum(count - 1 for count in findings["duplicates"].values())
        total["duplicates"] += duplicates
        if not record["answer_lost"]:
            total["unexplained_duplicates"] += duplicates
        total["secrets"] += len(record["secrets"])
        total["runs_with_secrets"] += bool(record["secrets"])
        total["tasks"] += len(record["tasks"])
        total["passes"] += len(record["codes"])
        total["crashes"] += sum(1 for code in record["codes"] if code == "timeout" or (isinstance(code, int) and code < 0))
        total["fake_errors"] += record["fake_errors"]

    chunked = sum(1 for record in records for _, documents in record["tasks"] for _, size, _ in documents
                  if size > CHUNK_SIZE)
    documents = sum(len(documents) for record in records for _, documents in record["tasks"])

    print(f"\nseed {seed}, {len(records)} runs, {arguments.jobs} at once, {elapsed:.0f} s, binary {arguments.binary}\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    kinds = ", ".join(f"{kind} {injected[kind]}/{fired[kind]}" for kind in KIND_WEIGHTS)
    print(f"| faults injected/fired, by kind | {kinds} | |")
    print(f"| faults fired, by fault | {', '.join(f'{label} {count}' for label, count in sorted(by_type.items()))} | |")
    print(f"| tasks, documents (chunked) | {total['tasks']}, {documents} ({chunked}) | |")
    print(f"| `once` passes | {total['passes']} ({total['passes'] / max(1, len(records)):.1f} a run) | at most {MAX_PASSES} a run |")
    print(f"| documents that should have landed (non-empty) | {total['expected']} | |")
    print(f"| landed with the Workfront MD5 | {total['landed']} | all |")
    print(f"| lost (missing or wrong MD5) | {total['lost']} | 0 |")
    print(f"| landed and written back | {total['written_back']} | |")
    print(f"| tasks sent to ERR by a fault (no empty document) | {total['failed_by_fault']} | 0 |")
    print(f"| duplicate uploads of one version (unexplained) | {total['duplicates']} ({total['unexplained_duplicates']}) "
          f"| only after an upload answer was lost |")
    print(f"| tasks with more than one note | {total['extra_notes']} | 0 |")
    print(f"| tasks left in a non-final status | {total['stuck']} | 0 |")
    print(f"| secrets found in output (runs) | {total['secrets']} ({total['runs_with_secrets']}) | 0 |")
    print(f"| passes that crashed or hung | {total['crashes']} | 0 |")
    print(f"| tracebacks in the fakes' logs | {total['fake_errors']} | 0 |")

    causes = collections.Counter(cause for record in records for notes in record["findings"]["notes"].values()
                                 for note in notes for cause in note_causes(note))
    if causes:
        print("\nWhy documents failed in tasks that a fault sent to ERR (from the notes):\n")
        print("| documents | error, with IDs and numbers replaced |")
        print("|---|---|")
        for cause, count in causes.most_common():
            print(f"| {count} | {cause} |")

    failing = [(record, problems(record)) for record in records]
    failing = [(record, found) for record, found in failing if found]
    if failing:
        print(f"\n{len(failing)} runs missed a target (repeat one with --seed {seed} --only N):")
    for record, found in failing:
        faults = "; ".join(f"{spec['kind']} {label} x{spec['times']}" for label, spec in record["faults"])
        fired_text = ", ".join(f"{kind} {label}" for kind, label in record["fired"]) or "none"
        print(f"\nrun {record['run']}: faults {faults}; fired {fired_text}; exit codes {record['codes']}")
        for sentence in found:
            print(f"  - {sentence}")
        for task_id, notes in record["findings"]["notes"].items():
            for note in notes:
                print(f"  note on {task_id}: {redact_hex(note)[:400]}")
        print("  last output: " + redact_hex(record["last_output"]).replace("\n", "\n    "))
    return total


def main():
    arguments = parse_arguments()
    seed = arguments.seed if arguments.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    print(f"seed {seed}", flush=True)
    if not os.access(arguments.binary, os.X_OK):
        print(f"faults.py: {arguments.binary} is not an executable; build first or pass --binary", file=sys.stderr)
        return 2
    work_directory = tempfile.mkdtemp(prefix="wf2c-faults-")
    keys = KeyPair(work_directory)
    runs = [arguments.only] if arguments.only is not None else list(range(arguments.runs))
    records = []
    lock = threading.Lock()
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
        futures = [pool.submit(run_one, run, seed, arguments.binary, keys, work_directory) for run in runs]
        for future in concurrent.futures.as_completed(futures):
            record = future.result()
            with lock:
                records.append(record)
                if len(records) % 20 == 0 or len(records) == len(runs):
                    print(f"  {len(records)}/{len(runs)} runs done, {time.monotonic() - started:.0f} s", flush=True)
    records.sort(key=lambda record: record["run"])
    total = print_report(records, seed, arguments, time.monotonic() - started)
    if arguments.keep:
        print(f"\nlogs kept in {work_directory}")
    else:
        shutil.rmtree(work_directory, ignore_errors=True)
    missed = total["lost"] + total["stuck"] + total["secrets"] + total["crashes"] + total["unexplained_duplicates"]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
