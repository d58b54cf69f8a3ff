#!/usr/bin/python3
"""Validation-only timing of the official Azure ML SDK (azure-ai-ml, Debian python3-azure).

Only azure.ai.ml.load_job / load_environment / load_compute run: the YAML is parsed, checked
against the SDK's marshmallow schemas and turned into entity objects.  No MLClient, no REST
payload, no upload, no workspace: the closest the SDK comes to `jobc validate` (it checks less
than jobc: e.g. a missing `code:` folder is only noticed at submit time), so its time is a
lower bound on what the SDK needs to validate a spec.

    /usr/bin/python3 sdk_load_only.py --shim DIR [--passes P] MANIFEST

MANIFEST: one spec per line, tab-separated: kind (job|environment|compute), the --set override
(key=value, may be empty), absolute path.  Every pass loads every spec in manifest order, in one
process.  Output (stdout), JSON lines:
    {"import_seconds": S}                                   (azure.ai.ml import, once)
    {"pass": N, "file": PATH, "seconds": S, "cpu_seconds": C, "ok": true|false, "error": "..."}
Used by validate_bench for the SDK's warm time (passes >= 2) and, with one spec and one pass
in a fresh process timed from outside, for its cold time.  Standard library + the SDK only.
"""
import contextlib, io, json, os, sys, time


def main(argv):
    shim, passes, manifest = None, 1, None
    it = iter(argv)
    for a in it:
        if a == "--shim":
            shim = next(it)
        elif a == "--passes":
            passes = int(next(it))
        else:
            manifest = a
    if manifest is None:
        sys.exit(__doc__)
    sys.dont_write_bytecode = True
    if shim:  # Debian lacks pydash; the oracle's stand-in provides get/omit/set_
        sys.path.insert(0, shim)
    t = time.perf_counter()
    from azure.ai.ml import load_compute, load_environment, load_job
    print(json.dumps({"import_seconds": round(time.perf_counter() - t, 6)}), flush=True)
    loaders = {"job": load_job, "environment": load_environment, "compute": load_compute}
    specs = []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                kind, override, path = line.split("\t", 2)
                params = [dict([override.split("=", 1)])] if override else []
                specs.append((loaders[kind], params, path))
    cwd = os.getcwd()
    for n in range(1, passes + 1):
        for load, params, path in specs:
            ok, error = True, ""
            t, c = time.perf_counter(), time.process_time()
            try:
                os.chdir(os.path.dirname(path))  # as the oracle and the CLI do
                with contextlib.redirect_stderr(io.StringIO()):
                    load(path, params_override=params)
            except Exception as e:  # noqa: BLE001 - report, keep timing the rest
                ok, error = False, f"{type(e).__name__}: {e}"[:300]
            finally:
                os.chdir(cwd)
            seconds, cpu = time.perf_counter() - t, time.process_time() - c
            print(json.dumps({"pass": n, "file": path, "seconds": round(seconds, 6),
                              "cpu_seconds": round(cpu, 6), "ok": ok, "error": error}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
