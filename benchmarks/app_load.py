"""Latency of the web app: one client at a time, then 50 requests from 8 clients at once.

Starts `python -m demos.app` on a free port of 127.0.0.1 (or uses `--url`),
then, through the page's own API (`gradio_client`, as the page calls it):
a digit (a recording uploaded and answered) and a chat reply, `--repeats`
times each, one at a time, after `--warmup` untimed; then `--requests`
requests (digits and replies in turn) from `--clients` concurrent clients.
Prints medians and percentiles in ms and the number of failed requests.

    python -m benchmarks.app_load                       # the latest runs under runs/
    python -m benchmarks.app_load --runs /path/to/runs --requests 50 --clients 8
"""

import argparse
import concurrent.futures
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.app_load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running app (default: start one on a free port)")
    parser.add_argument("--runs", default="runs", help="runs folder of the app started here")
    parser.add_argument("--recording", help="WAV file to upload (default: a FSDD recording, else a synthesized tone)")
    parser.add_argument("--message", default="hi there, how are you?", help="chat message sent")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests of each kind, one client at a time")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests of each kind first")
    parser.add_argument("--requests", type=int, default=50, help="requests under load")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients under load")
    parser.add_argument("--out", help="also write the figures to this JSON file")
    return parser.parse_args(argv)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_app(runs):
    """`(process, url)` of `python -m demos.app` once it answers."""
    import httpx

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "demos.app", "--port", str(port), "--runs", runs],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"error: the app exited with status {process.returncode}")
        time.sleep(0.5)
    process.kill()
    raise SystemExit("error: the app did not answer within 2 minutes")


def recording(path):
    """The WAV to upload: `path`, else "three" from the FSDD copy in `$FSDD_DIR`, else a tone of the same length."""
    import os
    import tempfile

    import soundfile

    from datasets import fsdd

    if path:
        return Path(path)
    three = Path(os.environ.get(fsdd.ENV_VARIABLE, "")) / "3_george_0.wav"
    if three.is_file():
        return three
    tone = Path(tempfile.mkdtemp()) / "tone.wav"
    soundfile.write(tone, 0.5 * np.sin(np.arange(3000) / 5.0), fsdd.SAMPLE_RATE)
    return tone


def requests_of(client, wav, message):
    """The two kinds of request: `{name: () -> seconds}`."""
    from gradio_client import handle_file

    def timed(call):
        start = time.perf_counter()
        call()
        return time.perf_counter() - start

    return {"digit": lambda: timed(lambda: client.predict(handle_file(str(wav)), api_name="/digits")),
            "reply": lambda: timed(lambda: client.predict([], message, api_name="/reply"))}


def one_at_a_time(client, wav, args):
    kinds = requests_of(client, wav, args.message)
    result = {}
    for name, request in kinds.items():
        for _ in range(args.warmup):
            request()
        times = [request() * 1000 for _ in range(args.repeats)]
        result[name] = {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}
    return result


def under_load(url, wav, args):
    from gradio_client import Client

    clients = [Client(url, verbose=False) for _ in range(args.clients)]
    jobs = [(index % args.clients, "digit" if index % 2 == 0 else "reply") for index in range(args.requests)]
    kinds = [requests_of(client, wav, args.message) for client in clients]

    def run(job):
        client, name = job
        try:
            return name, kinds[client][name]() * 1000, None
        except Exception as error:  # a failed request is counted and shown
            return name, None, f"{type(error).__name__}: {error}"

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        done = list(pool.map(run, jobs))
    wall = time.perf_counter() - start
    times = np.array([ms for _, ms, error in done if error is None])
    failures = [error for _, _, error in done if error is not None]
    return {"requests": len(jobs), "clients": args.clients, "failed": len(failures), "errors": failures[:5],
            "wall_s": wall, **{f"p{q}_ms": float(np.percentile(times, q)) for q in (50, 90, 99)},
            "max_ms": float(times.max()) if times.size else None}


def main(argv=None):
    from gradio_client import Client

    args = parse_args(argv)
    wav = recording(args.recording)
    process, url = (None, args.url) if args.url else start_app(args.runs)
    try:
        alone = one_at_a_time(Client(url, verbose=False), wav, args)
        loaded = under_load(url, wav, args)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    for name, figures in alone.items():
        print(f"one client, {name}: median {figures['median_ms']:.0f} ms (min {figures['min_ms']:.0f}, "
              f"max {figures['max_ms']:.0f}) over {args.repeats}")
    print(f"{loaded['requests']} requests from {loaded['clients']} clients: p50 {loaded['p50_ms']:.0f} ms, "
          f"p90 {loaded['p90_ms']:.0f}, p99 {loaded['p99_ms']:.0f}, max {loaded['max_ms']:.0f}; "
          f"{loaded['failed']} failed; {loaded['wall_s']:.1f} s in all")
    if args.out:
        Path(args.out).write_text(json.dumps({"one_client": alone, "under_load": loaded}, indent=2) + "\n")
    return 1 if loaded["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
