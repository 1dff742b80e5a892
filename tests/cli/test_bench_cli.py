#!/usr/bin/env python3
"""The bench, boards and sim commands, driven through the real binary.

Simulated boards run as `tinyscope sim` on pseudo-terminals. Covers the
results file surviving a killed process with a torn last line, and the
results appearing in the store when any command loads its data.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from clitest import BIN, KG, RUN_IRI, check, count_runs, stop, summary


def run(args, env, timeout=30, **kw):
    return subprocess.run([BIN] + args, env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


def start_sim(args, env):
    p = subprocess.Popen([BIN, "sim"] + args, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    port = p.stdout.readline().strip()
    if not port:
        print("the simulator did not start: " + p.stderr.read(), file=sys.stderr)
        sys.exit(1)
    return p, port


def runs_in_store(env):
    r = run(["stats", "--format", "json", KG], env)
    if r.returncode != 0:
        return -1, r.stderr
    total = json.loads(r.stdout)["total"]
    for c in total["classes"]:
        if c["iri"] == RUN_IRI:
            return c["count"], r.stderr
    return 0, r.stderr


def main():
    if not BIN:
        print("skipped: TINYSCOPE_BIN not set", file=sys.stderr)
        return 77
    try:
        m, sl = os.openpty()
        os.close(m)
        os.close(sl)
    except OSError as e:
        print(f"skipped: no pseudo-terminals here ({e})", file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="ts-bench-cli-")
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(tmp, "data"), LC_ALL="C.UTF-8")
    results = os.path.join(tmp, "data", "tinyscope", "bench.nt")

    # Usage and errors.
    r = run(["bench", "--help"], env)
    check(r.returncode == 0 and "--protocol" in r.stdout, "bench --help")
    r = run(["bench", KG], env)
    check(r.returncode == 2 and "--port" in r.stderr, "bench without --port is a usage error",
          r.stderr)
    r = run(["bench", "--port", "x", "--protocol", "xmodem", KG], env)
    check(r.returncode == 2, "unknown protocol is a usage error")
    r = run(["bench", "--port", "x", "--baud", "1234", KG], env)
    check(r.returncode == 2, "unsupported baud rate is a usage error")
    r = run(["bench", "--port", os.path.join(tmp, "ttyACM9"), KG], env)
    check(r.returncode == 1 and "ttyACM9" in r.stderr and "no such port" in r.stderr,
          "missing port names the port", r.stderr)
    check(not os.path.exists(results), "nothing recorded after a failure")

    # A full MLPerf Tiny exchange, protocol detected, recorded in the default file.
    link = os.path.join(tmp, "mlperf")
    sim, port = start_sim(["--link", link, "--speed", "0.01", "--board", "sim-nucleo"], env)
    check(port == link, "sim prints the port", port)
    r = run(["bench", "--port", link, "--runs", "3", KG], env)
    check(r.returncode == 0, "mlperf bench succeeds", r.stderr)
    check("sim-nucleo" in r.stdout and "kws01" in r.stdout and "inferences 60" in r.stdout,
          "mlperf result printed", r.stdout)
    check("mlperf (detected)" in r.stderr, "protocol detected", r.stderr)
    check(count_runs(results) == 1, "one run recorded")
    q = ("PREFIX tiny: <https://w3id.org/tinyscope/ns#> "
         "SELECT ?model ?n ?g WHERE { GRAPH ?g { ?run a tiny:BenchmarkRun ; "
         "tiny:model ?model ; tiny:inferences ?n ; tiny:complete true } }")
    r = run(["query", "-e", q, "--format", "csv", KG], env)
    check(r.returncode == 0 and "http://example.org/model/kws,60," in r.stdout
          and "bench.nt" in r.stdout, "the run is in the store, in its own graph",
          r.stdout + r.stderr)

    # A busy port: another program holds the lock.
    if shutil.which("flock"):
        holder = subprocess.Popen(["flock", "--nonblock", link, "sleep", "3"])
        time.sleep(0.3)
        r = run(["bench", "--port", link, KG], env)
        check(r.returncode == 1 and "busy" in r.stderr, "busy port reported", r.stderr)
        holder.wait()
    stop(sim)

    # Silence.
    link = os.path.join(tmp, "silent")
    sim, _ = start_sim(["--link", link, "--silent"], env)
    r = run(["bench", "--port", link, "--timeout", "0.2", KG], env)
    check(r.returncode == 1 and "silent" in r.stderr, "silent board times out", r.stderr)
    stop(sim)

    # JSON lines with noise, --runs N.
    link = os.path.join(tmp, "jsonl")
    sim, _ = start_sim(["--link", link, "-P", "jsonl", "--speed", "0.02", "--garbage", "1"],
                       env)
    r = run(["bench", "--port", link, "--protocol", "jsonl", "--runs", "4", KG], env)
    check(r.returncode == 0, "jsonl bench succeeds", r.stderr)
    check(r.stdout.count("accuracy 0.860") == 4, "four jsonl results", r.stdout)
    check("skipped" in r.stderr and "binary" in r.stderr, "noise counted", r.stderr)
    check(count_runs(results) == 5, "five runs recorded")

    # Killed while measuring: kill -9, then a torn last line as a crash mid-write leaves.
    p = subprocess.Popen([BIN, "bench", "--port", link, KG], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while count_runs(results) < 7 and time.time() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    before = count_runs(results)
    check(before >= 7, "results written while running", str(before))
    with open(results, "a") as f:
        f.write("<urn:uuid:00000000-0000-4000-8000-000000000000> <https://w3id.org/tinysc")
    n, err = runs_in_store(env)
    check(n == before, "runs before the torn line are in the store", f"{n} vs {before}")
    check("bench.nt:" in err and "incomplete last line" in err, "torn line reported", err)

    # The next run cuts the torn line off; the file is whole again.
    r = run(["bench", "--port", link, "--runs", "1", KG], env)
    check(r.returncode == 0 and "torn" in r.stderr, "torn line cut before appending", r.stderr)
    n, err = runs_in_store(env)
    check(n == before + 1 and "incomplete" not in err, "clean file after the next run",
          f"{n} {err}")
    with open(results, "rb") as f:
        data = f.read()
    check(data.endswith(b" .\n"), "file ends with a whole line")

    # The results table, headless.
    r = run(["bench", "--summary", KG], env)
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and len(lines) == 3 and lines[0].startswith("BOARD"),
          "summary has one row per board and model", r.stdout + r.stderr)
    check(any(l.startswith("sim-nucleo") and " 1 " in l for l in lines),
          "summary row for the MLPerf board", r.stdout)
    check(any(l.startswith("sim-board") and "0.860" in l for l in lines),
          "summary row for the JSON board", r.stdout)

    # Ctrl-C ends an open-ended JSON-lines session cleanly.
    p = subprocess.Popen([BIN, "bench", "--port", link, "--results",
                          os.path.join(tmp, "int.nt"), KG], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while count_runs(os.path.join(tmp, "int.nt")) < 2 and time.time() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    check(p.returncode == 0, "SIGINT exits 0", err)
    check(out.count("inferences 10") == count_runs(os.path.join(tmp, "int.nt")),
          "every recorded result was printed")
    stop(sim)

    # Unplug and replug during an MLPerf run.
    link = os.path.join(tmp, "unplug")
    sim, _ = start_sim(["--link", link, "--speed", "0.1", "--disconnect-after", "2",
                        "--replug-ms", "300"], env)
    out_nt = os.path.join(tmp, "unplug.nt")
    r = run(["bench", "--port", link, "--runs", "4", "--results", out_nt, KG], env)
    check(r.returncode == 0, "bench survives an unplug", r.stderr)
    check("disconnected" in r.stderr and "reconnected" in r.stderr, "unplug reported",
          r.stderr)
    check("INCOMPLETE" in r.stdout, "partial run shown as incomplete", r.stdout)
    with open(out_nt) as f:
        text = f.read()
    check('"false"^^<http://www.w3.org/2001/XMLSchema#boolean>' in text and
          '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in text,
          "partial and whole runs recorded")
    stop(sim)

    # TCP bridge.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    tcp_port = s.getsockname()[1]
    s.close()
    r = run(["bench", "--port", f"tcp:127.0.0.1:{tcp_port}", KG], env)
    check(r.returncode == 1 and "cannot connect" in r.stderr, "nothing listening on tcp",
          r.stderr)
    sim, port = start_sim(["--tcp", str(tcp_port), "--speed", "0.01"], env)
    check(port == f"tcp:127.0.0.1:{tcp_port}", "sim on tcp", port)
    r = run(["bench", "--port", port, "--runs", "2", "--results",
             os.path.join(tmp, "tcp.nt"), KG], env)
    check(r.returncode == 0 and "inferences 40" in r.stdout, "bench over tcp", r.stderr)
    stop(sim)

    # boards: a fake sysfs with one Arduino.
    sysfs = os.path.join(tmp, "sys")
    dev = os.path.join(sysfs, "devices", "usb1", "1-1")
    os.makedirs(os.path.join(dev, "1-1:1.0"))
    for name, value in (("idVendor", "2341"), ("idProduct", "805a"),
                        ("serial", "F00D"), ("product", "Nano 33 BLE")):
        with open(os.path.join(dev, name), "w") as f:
            f.write(value + "\n")
    cls = os.path.join(sysfs, "class", "tty", "ttyACM0")
    os.makedirs(cls)
    os.symlink("../../../devices/usb1/1-1/1-1:1.0", os.path.join(cls, "device"))
    benv = dict(env, TINYSCOPE_SYSFS=sysfs)
    r = run(["boards", KG], benv)
    check(r.returncode == 0 and "/dev/ttyACM0" in r.stdout and "2341:805a" in r.stdout
          and "Arduino Nano 33 BLE Sense" in r.stdout, "boards table", r.stdout + r.stderr)
    r = run(["boards", "--format", "json", KG], benv)
    data = json.loads(r.stdout) if r.returncode == 0 else []
    check(len(data) == 1 and data[0]["board"] == "http://example.org/board/nano33ble"
          and data[0]["serial"] == "F00D", "boards json", r.stdout)
    r = run(["boards", KG], dict(env, TINYSCOPE_SYSFS=os.path.join(tmp, "none")))
    check(r.returncode == 0 and "no USB serial ports" in r.stdout, "no ports", r.stdout)

    subprocess.run(["rm", "-rf", tmp])
    return summary()


if __name__ == "__main__":
    sys.exit(main())
