"""Streaming benchmark (issue 14), on the fake and Azurite of tests/infra/azurite_up.sh.

One job is submitted (with the official SDK); while it runs, this script writes its rank-0 log
user_logs/std_log.txt into Azurite: --mb MiB over --seconds s, a block every 0.25 s, each line
"t=<epoch> seq=N ...". It holds a lease on the blob meanwhile, so the fake's own few lines do
not overwrite it (the fake writes a handful of lines; this is the long log). Two followers watch
the same job at the same time, each in its own process:
  jobc: azureml_stream_follow (JobWatch: Range reads from the last offset, as jobc submit);
  SDK:  ml_client.jobs.stream(name) (re-downloads each log whole on every poll).
Printed: bytes each downloaded from the log blob vs the log's size (goal for jobc <= 1.1x),
and the delay from a line's write to the follower having it (goal for jobc: median <= 2 s).

Usage: /usr/bin/python3 bench/azureml_stream_bench.py --follow PATH [--mb 10] [--seconds 60]
(PATH: the azureml_stream_follow binary.) Exits 0 after printing "skipped: ..." without the
services or the SDK; --check: exit 1 when a goal is missed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

sys.dont_write_bytecode = True  # nothing written into the source tree
HERE = os.path.dirname(os.path.abspath(__file__))


def summary(name, delays):
    if not delays:
        return f"{name}: no timed line arrived"
    q = statistics.quantiles(delays, n=10) if len(delays) > 1 else [delays[0]] * 9
    return (f"{name}: {len(delays)} lines, delay median {statistics.median(delays):.2f} s, "
            f"p90 {q[8]:.2f} s, max {max(delays):.2f} s")


def sdk_follow(name):
    """The SDK's side, in its own process: jobs.stream(name), counting what it downloads."""
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "azureml"))
    import sdk_harness as harness  # exits 77 when the SDK or the services are missing
    from azure.ai.ml.operations import _job_ops_helper

    counted = {"log_bytes": 0, "log_requests": 0}
    download = _job_ops_helper.download_text_from_url

    def counting_download(url, *args, **kwargs):
        text = download(url, *args, **kwargs)
        counted["log_requests"] += 1
        counted["log_bytes"] += len(text.encode())
        return text

    _job_ops_helper.download_text_from_url = counting_download

    class LineClock:
        """Stands in for stdout: the delay of each "t=..." line when the SDK prints it."""

        def __init__(self):
            self.partial, self.delays, self.lines = "", [], 0

        def write(self, text):
            now = time.time()
            self.partial += text
            *complete, self.partial = self.partial.split("\n")
            for line in complete:
                self.lines += 1
                if line.startswith("t="):
                    self.delays.append(now - float(line[2:].split(" ", 1)[0]))
            return len(text)

        def flush(self):
            pass

    clock, stdout = LineClock(), sys.stdout
    sys.stdout = clock
    try:
        harness.new_client().jobs.stream(name)
    finally:
        sys.stdout = stdout
    print(json.dumps({**counted, "lines": clock.lines, "delays": clock.delays}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--follow", help="the azureml_stream_follow binary")
    parser.add_argument("--sdk-follow", metavar="JOB", help=argparse.SUPPRESS)
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.sdk_follow:
        return sdk_follow(args.sdk_follow)
    if not args.follow or not os.access(args.follow, os.X_OK):
        parser.error("--follow PATH (an azureml_stream_follow binary) is required")

    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "azureml"))
    import sdk_harness as harness  # exits 77 with the reason; treated as skipped below
    from azure.ai.ml import command
    from azure.ai.ml.entities import Environment
    from azure.storage.blob import BlobBlock

    # The fake's job goes NotStarted -> Queued -> Preparing -> Running one step each, then
    # spends 6 steps on its own lines (each refused by the lease): Running outlasts the log.
    step = max(2.0, args.seconds / 5.5)
    harness.fake_call("POST", "/_fake/reset")
    harness.fake_call("POST", "/_fake/faults", {"step_seconds": step})
    name = "stream-bench-" + uuid.uuid4().hex[:8]
    with open("/proc/loadavg", encoding="utf-8") as f:
        print(f"Azure ML streaming benchmark: {args.mb} MiB over {args.seconds:.0f} s; "
              f"{os.cpu_count()} CPUs, load average {' '.join(f.read().split()[:3])} at start")
    job = command(name=name, command="python train.py", compute="cpu-cluster",
                  environment=Environment(image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04"))
    harness.new_client().jobs.create_or_update(job)

    env_file = os.path.join(harness.STATE, "env")
    followers = {
        "jobc": subprocess.Popen([args.follow, env_file, name], stdout=subprocess.PIPE, text=True),
        "SDK": subprocess.Popen([sys.executable, os.path.abspath(__file__), "--sdk-follow", name],
                                stdout=subprocess.PIPE, text=True),
    }
    blob = harness.BLOBS.get_blob_client("azureml", f"ExperimentRun/dcid.{name}/user_logs/std_log.txt")
    lease, written = None, 0
    try:
        deadline = time.time() + 10 * step + 30
        while not blob.exists():  # the fake writes its first line when the job starts Running
            if time.time() > deadline:
                raise SystemExit("the job's log never appeared")
            time.sleep(0.1)
        lease = blob.acquire_lease(lease_duration=-1)
        first = blob.download_blob(lease=lease).readall()
        blocks = [BlobBlock(block_id=f"{0:08d}")]
        blob.stage_block(blocks[0].id, first, lease=lease)
        ticks = max(1, int(args.seconds / 0.25))
        per_tick = int(args.mb * 1048576 / ticks)
        line_size, seq, began = 100, 0, time.time()
        for tick in range(1, ticks + 1):
            time.sleep(max(0.0, began + tick * 0.25 - time.time()))
            stamp = f"t={time.time():.6f}"
            lines = []
            for _ in range(per_tick // line_size):
                head = f"{stamp} seq={seq:08d} "
                lines.append(head + "x" * (line_size - len(head) - 1) + "\n")
                seq += 1
            data = "".join(lines).encode()
            blocks.append(BlobBlock(block_id=f"{tick:08d}"))
            blob.stage_block(blocks[-1].id, data, lease=lease)
            blob.commit_block_list(blocks, lease=lease)
            written += len(data)
        log_size = written + len(first)
        print(f"log written: {log_size / 1048576:.2f} MiB, {seq} timed lines, in "
              f"{time.time() - began:.1f} s")
        results = {}
        for who, process in followers.items():
            out, _ = process.communicate(timeout=20 * step + 120)
            if process.returncode == 77:
                print(f"skipped: {who}: the SDK or services are missing")
                return 0
            results[who] = json.loads(out.strip().splitlines()[-1])
    finally:
        for process in followers.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        if lease is not None:
            lease.break_lease(lease_break_period=0)
        harness.fake_call("POST", "/_fake/reset")

    ok = True
    for who, result in results.items():
        ratio = result["log_bytes"] / log_size
        print(f"{who:>4}: downloaded {result['log_bytes'] / 1048576:8.2f} MiB of the log in "
              f"{result['log_requests']} requests = {ratio:6.2f}x the log; "
              + summary("lines", result["delays"]))
    jobc, sdk = results["jobc"], results["SDK"]
    ratio = jobc["log_bytes"] / log_size
    median = statistics.median(jobc["delays"]) if jobc["delays"] else float("inf")
    for passed, what in ((ratio <= 1.1, f"jobc bytes downloaded <= 1.1x the log: {ratio:.3f}x"),
                         (median <= 2.0, f"jobc median line delay <= 2 s: {median:.2f} s"),
                         (len(jobc["delays"]) == seq, f"jobc got every line: {len(jobc['delays'])}/{seq}")):
        print(f"  {'PASS' if passed else 'FAIL'}  {what}")
        ok &= passed
    print(f"  SDK/jobc bytes downloaded: {sdk['log_bytes'] / max(1, jobc['log_bytes']):.1f}x")
    with open("/proc/loadavg", encoding="utf-8") as f:
        print(f"load average {' '.join(f.read().split()[:3])} at end")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
