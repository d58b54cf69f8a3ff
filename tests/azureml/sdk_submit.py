#!/usr/bin/python3
"""Submits a CLI v2 job spec with the official SDK to the fake and Azurite (wired by
sdk_harness.py), for tests that compare another client (jobc) with it: request sequences,
bodies, and reuse of each other's uploads.

    /usr/bin/python3 tests/azureml/sdk_submit.py SPEC.yml [--set KEY=VALUE]... [--name NAME]
                                                [--stream] [--download DIR]

Prints one JSON document: {"job", "status", "client_requests": [every request the SDK sent,
blob calls included: method, path, query, status, headers without Authorization],
"server_requests": [what the fake recorded meanwhile]}. Exit 77 when the infrastructure or the
SDK is missing (the reason on stdout), 1 when the SDK raised (the error on stderr).
"""
import argparse
import contextlib
import io
import json
import os
import sys

sys.dont_write_bytecode = True
from sdk_harness import CLIENT_RECORD, fake_call, load_job, new_client  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec")
    parser.add_argument("--set", action="append", default=[], help="the CLI's --set KEY=VALUE")
    parser.add_argument("--name", help="the job's name (default: the spec's, else the SDK's)")
    parser.add_argument("--stream", action="store_true", help="stream the job until it ends")
    parser.add_argument("--download", help="then download its outputs and logs here")
    args = parser.parse_args()
    spec = os.path.abspath(args.spec)
    seen = len(fake_call("GET", "/_fake/requests"))
    job = load_job(spec, params_override=[dict([kv.split("=", 1)]) for kv in args.set])
    if args.name:
        job.name = args.name
    client = new_client()
    os.chdir(os.path.dirname(spec))
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(out):
            job = client.jobs.create_or_update(job)
            if args.stream:
                client.jobs.stream(job.name)
            if args.download:
                client.jobs.download(job.name, download_path=args.download, all=True)
    except Exception as e:  # the SDK's own message, as az ml would show it
        print(f"sdk_submit: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    requests = [{**e, "headers": {k: v for k, v in e["headers"].items() if k != "authorization"}}
                for e in CLIENT_RECORD.entries]
    print(json.dumps({"job": job.name, "status": client.jobs.get(job.name).status,
                      "client_requests": requests,
                      "server_requests": fake_call("GET", "/_fake/requests")[seen:]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
