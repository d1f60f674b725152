#!/usr/bin/env python3
"""Kill `wf2cloudinary run` with SIGKILL at random moments, restart it, and check that nothing is lost.

Run from the repository root after a build:

    python3 bench/crash.py [--binary PATH] [--seed S] [--kills 10] [--large-mb 200]

The tenant has four tasks with three small documents each, then ten tasks
with one large document each (five of `--large-mb`, the others from three
quarters down to a quarter of it, 1.55 GB in all with the default 200 MB,
sent in 5 MiB chunks). The daemon
runs with `poll.interval` 5 and 2 workers.

The first start is an aimed kill: the fake Cloudinary holds back each
upload answer for 3 s after it stored the upload, and the daemon is killed
1.5 s after it starts, so Cloudinary has uploads whose answer the daemon
never read. Then the daemon is killed `--kills` more times, each after a
random 0.1 to `--max-delay` seconds, and started again at once. On loopback
the daemon moves a few hundred MB a second, so the default 1.5 s puts most
kills in the middle of a transfer. The last start runs until no task is in
UPL, then gets SIGTERM.

After each kill the script reads the fake Cloudinary's assets and the
daemon's upload journal (SQLite). An asset that Cloudinary stored but the
journal does not record is one whose answer the kill cut off: the next start
must upload it again, and that explains one duplicate upload. Any other
duplicate, a lost or corrupted document, a task left in UPL or a secret in
the output misses a target.
"""

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fakerun import KeyPair, Tenant, default_binary, find_secrets, redact_hex  # noqa: E402

CHUNK_SIZE = 5 << 20
# Sizes of the large documents, in quarters of --large-mb.
LARGE_QUARTERS = (4, 4, 4, 4, 4, 3, 3, 2, 2, 1)
AIMED_HOLD_SECONDS = 3
AIMED_KILL_AFTER = 1.5
FINISH_TIMEOUT = 900


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--binary", default=default_binary(), help="wf2cloudinary binary (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one, printed)")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs before the last start (default: 10)")
    parser.add_argument("--large-mb", type=int, default=200, help="size of the larger big document in MB (default: 200)")
    parser.add_argument("--max-delay", type=float, default=1.5,
                        help="longest wait before a random kill, in seconds (default: 1.5)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder with the daemon's logs")
    return parser.parse_args()


def build_tasks(rng, large_bytes):
    # Discovery sorts tasks by ID, so the small ones (task-1-...) are transferred first.
    tasks = []
    for task_number in range(1, 5):
        tasks.append((f"task-1-small-{task_number}", [
            (f"small-doc-{task_number}-{number}", rng.randint(1, 3_000_000), rng.choice(("jpg", "pdf", "png")))
            for number in range(1, 4)]))
    for number, quarters in enumerate(LARGE_QUARTERS, start=1):
        tasks.append((f"task-2-big-{number}", [(f"big-doc-{number}", large_bytes * quarters // 4, "mp4")]))
    return tasks


def journaled_documents(state_directory):
    """Return the document IDs in the daemon's upload journal, or an empty set before it exists."""
    path = os.path.join(state_directory, "journal.sqlite3")
    if not os.path.exists(path):
        return set()
    connection = sqlite3.connect(path, timeout=10)
    try:
        return {row[0] for row in connection.execute("SELECT document_id FROM uploads")}
    except sqlite3.DatabaseError as error:
        print(f"  journal could not be read: {error}", flush=True)
        return set()
    finally:
        connection.close()


def start_daemon(tenant, binary, log_directory, number):
    stdout = open(os.path.join(log_directory, f"start-{number:02d}.stdout"), "wb")
    stderr = open(os.path.join(log_directory, f"start-{number:02d}.stderr"), "wb")
    process = subprocess.Popen(tenant.command(binary, "run"), env=tenant.environment, stdout=stdout, stderr=stderr,
                               stdin=subprocess.DEVNULL)
    return process, (stdout, stderr)


def last_event(path):
    """Return the last log line of a daemon start, shortened."""
    with open(path, encoding="utf-8", errors="replace") as file:
        lines = [line.strip() for line in file if line.strip()]
    if not lines:
        return "(no output)"
    line = lines[-1]
    for field in (" SECURE_URL=", " MD5=", " TASK_NAME="):
        line = line.split(field)[0] if field in line else line
    return redact_hex(line)[:110]


def main():
    arguments = parse_arguments()
    seed = arguments.seed if arguments.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    print(f"seed {seed}", flush=True)
    rng = random.Random(seed)
    work_directory = tempfile.mkdtemp(prefix="wf2c-crash-")
    keys = KeyPair(work_directory)
    tasks = build_tasks(rng, arguments.large_mb * 1_000_000)
    tenant = Tenant(os.path.join(work_directory, "tenant"), keys, tasks,
                    config_extra={"workers": 2, "poll": {"interval": 5}, "cloudinary": {"chunkSize": CHUNK_SIZE}})
    log_directory = os.path.join(work_directory, "daemon")
    os.makedirs(log_directory)
    explained = {}
    kills = []
    during_work = 0
    started = time.monotonic()
    try:
        for number in range(arguments.kills + 1):
            aimed = number == 0
            if aimed:
                tenant.cloudinary.post("/_fake/request-faults", {
                    "kind": "upload", "fault": {"stall": AIMED_HOLD_SECONDS, "phase": "response", "afterBytes": 0},
                    "times": 1000})
            process, files = start_daemon(tenant, arguments.binary, log_directory, number)
            delay = AIMED_KILL_AFTER if aimed else round(rng.uniform(0.1, arguments.max_delay), 2)
            time.sleep(delay)
            exited_early = process.poll()
            process.send_signal(signal.SIGKILL)
            code = process.wait()
            for file in files:
                file.close()
            if aimed:
                tenant.cloudinary.delete("/_fake/request-faults")
                # Let the held responses finish, so that the state below includes every stored upload.
                time.sleep(AIMED_HOLD_SECONDS)
            cloudinary = tenant.cloudinary.get("/_fake/state")
            assets = cloudinary["assets"]
            unfinished = sum(1 for upload in cloudinary["chunked_uploads"].values() if not upload["done"])
            journal = journaled_documents(tenant.state_directory)
            cut_off = sorted(set(assets) - journal)
            for public_id in cut_off:
                explained[public_id] = explained.get(public_id, 0) + 1
            pending = len(tenant.tasks_in_trigger_status())
            during_work += pending > 0
            kills.append(("0 (aimed)" if aimed else number, delay, code if exited_early is None else f"exited {exited_early}", len(assets),
                          len(journal), ", ".join(cut_off) or "-", unfinished, pending, last_event(files[1].name)))

        process, files = start_daemon(tenant, arguments.binary, log_directory, arguments.kills + 1)
        final_started = time.monotonic()
        # Give the scheduler time to install its signal handlers, so that SIGTERM below drains it.
        time.sleep(2)
        while tenant.tasks_in_trigger_status() and time.monotonic() - final_started < FINISH_TIMEOUT:
            if process.poll() is not None:
                break
            time.sleep(1)
        finish_seconds = time.monotonic() - final_started
        process.send_signal(signal.SIGTERM)
        try:
            final_code = process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            final_code = f"did not stop within 60 s of SIGTERM ({process.wait()})"
        for file in files:
            file.close()

        findings = tenant.check()
        outputs = []
        for name in sorted(os.listdir(log_directory)):
            with open(os.path.join(log_directory, name), encoding="utf-8", errors="replace") as file:
                outputs.append(file.read())
        secrets = find_secrets(outputs, tenant.secrets())
        fake_errors = tenant.workfront.logged_errors() + tenant.cloudinary.logged_errors()
        chunk_requests = tenant.cloudinary.get("/_fake/state")["counters"]["chunk_requests"]
    finally:
        tenant.stop()

    print(f"\nseed {seed}, 1 aimed and {arguments.kills} random kills, {time.monotonic() - started:.0f} s, binary {arguments.binary}\n")
    print("| kill | after s | exit | assets stored | journaled | stored, not journaled | chunked uploads left unfinished "
          "| tasks in UPL | last log line |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in kills:
        print("| " + " | ".join(str(value) for value in row) + " |")

    duplicates = findings["duplicates"]
    unexplained = {public_id: count - 1 - explained.get(public_id, 0) for public_id, count in duplicates.items()
                   if count - 1 > explained.get(public_id, 0)}
    print("\n| measure | value | target |")
    print("|---|---|---|")
    large = ", ".join(f"{arguments.large_mb * quarters // 4} MB" for quarters in LARGE_QUARTERS)
    print(f"| documents (large) | {sum(len(documents) for _, documents in tasks)} ({len(LARGE_QUARTERS)}: {large}) | |")
    print(f"| kills with a task still in UPL | {during_work} of {len(kills)} | |")
    print(f"| last start: seconds until no task was in UPL | {finish_seconds:.0f} | |")
    print(f"| last start: exit status after SIGTERM | {final_code} | 0 |")
    print(f"| landed with the Workfront MD5 | {findings['landed']} of {findings['expected']} | all |")
    print(f"| lost (missing or wrong MD5) | {len(findings['lost']) + len(findings['wrong'])} | 0 |")
    print(f"| landed and written back | {findings['written_back']} | all |")
    print(f"| tasks left in a non-final status | {len(findings['stuck'])} | 0 |")
    print(f"| tasks in ERR | {len(findings['failed_by_fault'])} | 0 |")
    print(f"| duplicate uploads | {sum(count - 1 for count in duplicates.values())} {duplicates or ''} | "
          f"only after a kill cut off Cloudinary's answer |")
    print(f"| ... explained by a kill between Cloudinary's answer and the journal | "
          f"{sum(min(count - 1, explained.get(public_id, 0)) for public_id, count in duplicates.items())} | |")
    print(f"| ... unexplained | {sum(unexplained.values())} {unexplained or ''} | 0 |")
    print(f"| chunk requests Cloudinary received | {chunk_requests} | |")
    print(f"| secrets found in output | {', '.join(secrets) or 0} | 0 |")
    print(f"| tracebacks in the fakes' logs | {fake_errors} | 0 |")
    if findings["failed_by_fault"]:
        for task_id, notes in findings["notes"].items():
            for note in notes:
                print(f"note on {task_id}: {redact_hex(note)[:400]}")
    if arguments.keep:
        print(f"\nlogs kept in {work_directory}")
    else:
        shutil.rmtree(work_directory, ignore_errors=True)
    missed = (findings["lost"] or findings["wrong"] or findings["stuck"] or unexplained or secrets
              or findings["failed_by_fault"] or final_code != 0)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
