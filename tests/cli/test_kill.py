#!/usr/bin/env python3
"""No data loss when tinyscope is killed at a random point.

convert -o: SIGKILL while a large graph is written leaves the target file
either as it was or complete, never half written. bench: SIGKILL while
results are recorded loses no result that was reported, and the results file
loads (a torn last line at most, which the next run cuts off).
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

from clitest import BIN, KG, check, count_runs, stop, summary

KILLS = 5


def read(path):
    with open(path, "rb") as f:
        return f.read()


def convert_kills(tmp, env, rng):
    src = os.path.join(tmp, "big.nt")
    with open(src, "w") as f:
        for i in range(100000):
            f.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    out = os.path.join(tmp, "out.ttl")
    # The complete new content, and how long writing it takes.
    t0 = time.time()
    r = subprocess.run([BIN, "convert", "--to", "turtle", "-o", out, src], env=env,
                       capture_output=True)
    took = time.time() - t0
    check(r.returncode == 0, "convert -o succeeds", r.stderr.decode(errors="replace"))
    new = read(out)
    old = b"# the old content\n"
    outcomes = {"old": 0, "new": 0}
    for i in range(KILLS):
        with open(out, "wb") as f:
            f.write(old)
        p = subprocess.Popen([BIN, "convert", "--to", "turtle", "-o", out, src], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, took * 1.3))
        p.send_signal(signal.SIGKILL)
        p.wait()
        got = read(out)
        if got == old:
            outcomes["old"] += 1
        elif got == new:
            outcomes["new"] += 1
        check(got in (old, new), f"kill {i}: out.ttl is the old or the complete new content",
              f"{len(got)} bytes, old {len(old)}, new {len(new)}")
    print(f"convert -o killed {KILLS} times: {outcomes}")


def bench_kills(tmp, env, rng):
    try:
        m, s = os.openpty()
        os.close(m)
        os.close(s)
    except OSError as e:
        print(f"bench part skipped: no pseudo-terminals ({e})")
        return
    link = os.path.join(tmp, "board")
    sim = subprocess.Popen([BIN, "sim", "--link", link, "-P", "jsonl", "--speed", "0.01"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
    if sim.stdout.readline().strip() != link:
        check(False, "the simulator starts")
        sim.kill()
        sim.wait()
        return
    results = os.path.join(tmp, "results.nt")
    try:
        for i in range(KILLS):
            before = count_runs(results)
            p = subprocess.Popen([BIN, "bench", "--port", link, "--protocol", "jsonl",
                                  "--runs", "1000", "--results", results, KG], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 1.5))
            p.send_signal(signal.SIGKILL)
            printed = p.stdout.read().count(b"  inferences ")
            p.wait()
            p.stdout.close()
            after = count_runs(results)
            check(after - before >= printed,
                  f"kill {i}: every reported result is in the file",
                  f"{printed} reported, {after - before} recorded")
            # The file loads; at most its last line is torn.
            r = subprocess.run([BIN, "stats", "--format", "json", results], env=env,
                               capture_output=True, text=True)
            bad = [l for l in r.stderr.splitlines() if "results.nt:" in l
                   and "incomplete last line" not in l]
            check(r.returncode == 0 and not bad, f"kill {i}: the results file loads",
                  r.stderr)
        print(f"bench killed {KILLS} times: {count_runs(results)} runs recorded")
    finally:
        stop(sim)


def main():
    if not BIN:
        print("skipped: TINYSCOPE_BIN not set", file=sys.stderr)
        return 77
    seed = int(os.environ.get("TS_KILL_SEED", str(int(time.time()))))
    print(f"seed {seed} (TS_KILL_SEED={seed} repeats these kill points)")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="ts-kill-") as tmp:
        env = dict(os.environ, LC_ALL="C.UTF-8", XDG_DATA_HOME=os.path.join(tmp, "data"))
        convert_kills(tmp, env, rng)
        bench_kills(tmp, env, rng)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
