"""Data-plane discovery and run history (contract §3).

  GET  /discovery                                    anonymous: {"api": base, "history": base, ...}
  GET  /history/v1.0{ws}/runs/{n}/details            RunDetails with logFiles as SAS URLs
  GET  /history/v1.0{ws}/runs/{n}                    the same, the fields a Run has
  POST /history/v1.0{ws}/rundata                     runMetadata, outputs = the named outputs
  POST /data/v1.0{ws}/dataversion/batchGetResolvedUris   named outputs' datastore URIs
Run history answers with its own error shape ({"error": {"code", "message"}} too).
"""
from faults import arm_error
from jobs import resolve_named_output
from workspace import WS_ID

SERVICES = ("api", "catalog", "experimentation", "gallery", "history", "hyperdrive", "labeling",
            "modelmanagement", "pipelines", "studiometadata")


def discovery(base_url):
    return 200, {}, {name: base_url for name in SERVICES}


def handle(method, path, body, jobs):
    """(status, headers, body) for a run-history request, or None when no route matches."""
    for service in ("/history/v1.0", "/data/v1.0"):
        if path.startswith(service + WS_ID + "/"):
            seg = path[len(service + WS_ID) + 1:].split("/")
            break
    else:
        return None
    if service == "/data/v1.0":
        if method == "POST" and seg == ["dataversion", "batchGetResolvedUris"]:
            uris = {asset: resolve_named_output(asset) for asset in (body or {}).get("values", [])}
            return 200, {}, {"values": {asset: {"uri": uri, "type": "UriFolder"}
                                        for asset, uri in uris.items() if uri}}
        return 404, {}, arm_error("NotFound", f"The fake does not serve {method} {path}.")
    if method == "POST" and seg == ["rundata"]:
        run_id = (body or {}).get("runId", "")
        data = jobs.run_metadata(run_id)
        return (200, {}, data) if data else (404, {}, arm_error("UserError", f"Run {run_id} not found"))
    if method == "GET" and len(seg) in (2, 3) and seg[0] == "runs" and seg[2:] in ([], ["details"]):
        details = jobs.details(seg[1])
        if details is None:
            return 404, {}, arm_error("UserError", f"Run {seg[1]} not found")
        if len(seg) == 2:
            details = {k: v for k, v in details.items() if k not in ("logFiles", "warnings", "revision")}
        return 200, {}, details
    return 404, {}, arm_error("NotFound", f"The fake does not serve {method} {path}.")
