"""What the Python CLI tests share: the binary, the test graph, checks that
count their failures, and the benchmark runs in a results file."""
import os
import signal
import subprocess
import sys

BIN = os.environ.get("TINYSCOPE_BIN")
ROOT = os.environ.get("TS_SOURCE_ROOT", ".")
KG = os.path.join(ROOT, "tests", "data", "bench", "boards.ttl")
RUN_IRI = "https://w3id.org/tinyscope/ns#BenchmarkRun"

_failures = 0
_checks = 0


def check(cond, what, detail=""):
    global _failures, _checks
    _checks += 1
    if not cond:
        _failures += 1
        print(f"FAIL: {what}" + (f"\n  {detail}" if detail else ""), file=sys.stderr)


def summary():
    """Print the count of checks; the exit status of the test."""
    if _failures:
        print(f"{_failures} of {_checks} checks failed", file=sys.stderr)
        return 1
    print(f"{_checks} checks passed")
    return 0


def count_runs(path):
    """Benchmark runs in a results file (N-Triples; a torn last line is no run)."""
    try:
        with open(path, "rb") as f:
            return sum(1 for line in f if line.rstrip().endswith(f"<{RUN_IRI}> .".encode()))
    except FileNotFoundError:
        return 0


def stop(p):
    """End a process started with Popen (SIGTERM, then SIGKILL) and close its pipes."""
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    for f in (p.stdout, p.stderr):
        if f:
            f.close()
