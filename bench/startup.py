#!/usr/bin/env python3
"""Measure how long `wf2cloudinary run` takes from process start to READY=1.

The script binds a unix datagram socket, names it in NOTIFY_SOCKET as a
service manager would, starts the binary, and takes the time from just
before the fork to the arrival of the datagram carrying READY=1. Each run
then gets SIGTERM and must exit. The time includes Python's fork and exec
(well under a millisecond here), dynamic linking, loading the
configuration, parsing the RSA key and opening the upload journal.

The configuration points Workfront at 127.0.0.1:9, where nothing listens:
READY=1 comes before the first poll, so no server is needed. The
credentials are a throwaway RSA key made with the openssl command and
made-up values.

Usage: bench/startup.py [--binary PATH] [--runs N]

Prints one line per run with --verbose, then min, median and max in ms.
Needs Linux, Python 3.9 or later and the openssl command.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_fixture(folder):
    """Write a configuration and a private key, and return (config path, environment)."""
    key = os.path.join(folder, "workfront-key.pem")
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
        check=True, stderr=subprocess.DEVNULL)
    config = os.path.join(folder, "wf2cloudinary.json5")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write('{ workfront: { url: "http://127.0.0.1:9" }, poll: { interval: 300 }, shutdown: { grace: 1 } }\n')
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("NOTIFY_SOCKET", "JOURNAL_STREAM", "CREDENTIALS_DIRECTORY",
                                   "WATCHDOG_USEC", "WATCHDOG_PID", "WORKFRONT_API_KEY")}
    environment.update({
        "CLOUDINARY_URL": "cloudinary://123456789012345:bench-secret@bench?upload_prefix=http://127.0.0.1:9",
        "WORKFRONT_CLIENT_ID": "bench-client",
        "WORKFRONT_CLIENT_SECRET": "bench-secret",
        "WORKFRONT_CUSTOMER_ID": "bench-customer",
        "WORKFRONT_USER_ID": "bench-user",
        "WORKFRONT_PRIVATE_KEY_FILE": key,
        "SWIFT_BACKTRACE": "enable=no",
    })
    return config, environment


def supports_state_dir(binary):
    """Return whether this build has the --state-dir option (older builds do not)."""
    usage = subprocess.run([binary, "--help"], capture_output=True, text=True, check=False)
    return "--state-dir" in usage.stdout + usage.stderr


def measure_once(binary, arguments, environment, folder, timeout):
    """Start the binary once, and return the seconds from start to READY=1."""
    path = os.path.join(folder, "notify")
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(timeout)
    environment = dict(environment, NOTIFY_SOCKET=path)
    started = time.monotonic()
    process = subprocess.Popen([binary] + arguments, env=environment,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        while True:
            message = listener.recv(65536).decode("utf-8", "replace")
            if "READY=1" in message.split("\n"):
                return time.monotonic() - started
    except socket.timeout:
        process.kill()
        _, stderr = process.communicate()
        raise RuntimeError(f"no READY=1 within {timeout} s; stderr: {stderr.decode('utf-8', 'replace')}")
    finally:
        listener.close()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def measure_version(binary, runs):
    """Return the seconds from start to exit of `--version`, the cost of exec and linking alone."""
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run([binary, "--version"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.monotonic() - started)
    return times


def summary(label, seconds):
    milliseconds = sorted(value * 1000 for value in seconds)
    return (f"{label}: min {milliseconds[0]:.1f} ms, median {statistics.median(milliseconds):.1f} ms, "
            f"max {milliseconds[-1]:.1f} ms over {len(milliseconds)} runs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/debug/wf2cloudinary"),
                        help="wf2cloudinary binary to start (default: the debug build)")
    parser.add_argument("--runs", type=int, default=20, help="starts to measure (default: 20)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for READY=1 (default: 30)")
    parser.add_argument("--verbose", action="store_true", help="print each run's time")
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    if not os.access(options.binary, os.X_OK):
        parser.error(f"{options.binary} is not an executable file; build it or pass --binary")

    with tempfile.TemporaryDirectory(prefix="wf2c-startup-") as folder:
        config, environment = make_fixture(folder)
        arguments = ["run", "--config", config]
        if supports_state_dir(options.binary):
            arguments += ["--state-dir", os.path.join(folder, "state")]
        # One start first, so that the measured runs find the binary and the
        # libraries in the page cache and the journal already created.
        measure_once(options.binary, arguments, environment, folder, options.timeout)
        times = []
        for run in range(options.runs):
            elapsed = measure_once(options.binary, arguments, environment, folder, options.timeout)
            times.append(elapsed)
            if options.verbose:
                print(f"run {run + 1}: {elapsed * 1000:.1f} ms")
        version_times = measure_version(options.binary, options.runs)

    print(f"binary: {options.binary}")
    print(summary("start to READY=1", times))
    print(summary("start to exit of --version", version_times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
