#!/usr/bin/python3
"""A fake of Azure ML's control plane for jobc's tests: ARM (workspace, datastores, code and
environment versions, jobs, computes with long-running operations), discovery, run history and
the token endpoints, on one loopback port, following ../shared/notes/azureml-contract.md.
Blobs live in Azurite (tests/infra/azurite_up.sh starts both). Standard library only.

    /usr/bin/python3 fake.py --azurite URL --account NAME --key-file F --secrets-file F
                             [--port 0] [--port-file F] [--requests-log F.jsonl]

Every request except /_fake/* is recorded as one JSON line (method, path, api-version, query,
status, whether it carried a bearer token, its JSON body with secrets redacted). Control:
  GET  /_fake/health        "ok"
  GET  /_fake/requests      the recorded requests, as a JSON array
  GET|POST /_fake/faults    the fault switches (faults.py); POST replaces them
  POST /_fake/reset         a fresh workspace: no assets or jobs, default faults, empty log,
                            empty containers in Azurite
See README.md beside this file.
"""
import argparse
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import runhistory  # noqa: E402
from faults import Faults, arm_error  # noqa: E402
from jobs import Jobs  # noqa: E402
from storage import BlobStore  # noqa: E402
from tokens import Tokens, parse_form  # noqa: E402
from workspace import ARTIFACT_CONTAINER, BLOB_CONTAINER, Workspace  # noqa: E402

CLIENT_ID = "00000000-0000-0000-0000-00000000000c"
REDACTED_FIELDS = ("client_secret", "client_assertion")


class RequestLog:
    def __init__(self, path):
        self.path, self.entries, self.lock = path, [], threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.entries = []
            if self.path:
                open(self.path, "w", encoding="utf-8").close()

    def add(self, entry):
        with self.lock:
            entry["seq"] = len(self.entries) + 1
            self.entries.append(entry)
            if self.path:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, sort_keys=True) + "\n")

    def snapshot(self):
        with self.lock:
            return list(self.entries)


class Fake:
    def __init__(self, args, base_url):
        with open(args.key_file, encoding="utf-8") as f:
            key = f.read().strip()
        self.store = BlobStore(args.azurite, args.account, key)
        self.initial_faults = json.loads(os.environ.get("JOBC_AZUREML_FAKE_FAULTS") or "{}")
        self.faults = Faults(self.initial_faults)
        self.jobs = Jobs(self.store, self.faults)
        self.workspace = Workspace(base_url, self.store, self.jobs)
        self.tokens = Tokens(base_url, CLIENT_ID, args.secrets_file, self.faults)
        self.log = RequestLog(args.requests_log)
        self.base_url = base_url
        for container in (BLOB_CONTAINER, ARTIFACT_CONTAINER):
            self.store.create_container(container)

    def reset(self):
        self.faults.set(self.initial_faults)
        self.jobs.reset()
        self.workspace.reset()
        for container in (BLOB_CONTAINER, ARTIFACT_CONTAINER):
            for blob in self.store.list_blobs(container):
                self.store.delete_blob(container, blob)
        self.log.clear()

    def control(self, method, path, body):
        if path == "/_fake/health":
            return 200, {}, "ok"
        if path == "/_fake/requests" and method == "GET":
            return 200, {}, self.log.snapshot()
        if path == "/_fake/faults":
            if method == "POST":
                try:
                    self.faults.set(body or {})
                except (ValueError, KeyError, TypeError) as e:
                    return 400, {}, arm_error("BadFaults", str(e))
            return 200, {}, self.faults.snapshot()
        if path == "/_fake/reset" and method == "POST":
            self.reset()
            return 200, {}, {"reset": True}
        return 404, {}, arm_error("NotFound", f"No control endpoint {method} {path}.")

    def answer(self, method, path, query, headers, raw, entry):
        """(status, headers, body) for one request; fills `entry` for the request log."""
        if path.endswith("/oauth2/v2.0/token") and method == "POST":
            form = parse_form(raw)
            entry["body"] = {k: ("<redacted>" if k in REDACTED_FIELDS else v) for k, v in form.items()}
            return self.faults.injected(method, path) or self.tokens.client_token(path.split("/")[1], form)
        if path.endswith("/v2.0/.well-known/openid-configuration") and method == "GET":
            return self.tokens.openid_configuration(path.split("/")[1])
        if path in ("/msi/token", "/metadata/identity/oauth2/token") and method == "GET":
            return self.faults.injected(method, path) or self.tokens.managed_identity(path, query, headers)
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, {}, arm_error("InvalidRequestContent", "The request content is not JSON.")
            entry["body"] = body
        if path == "/discovery" and method == "GET":  # anonymous, as in Azure (contract §3)
            return self.faults.injected(method, path) or runhistory.discovery(self.base_url)
        refused = self.tokens.check_bearer(headers.get("Authorization"))
        if refused:
            return refused
        injected = self.faults.injected(method, path)
        if injected:
            return injected
        answer = runhistory.handle(method, path, body, self.jobs)
        if answer is None:
            answer = self.workspace.handle(method, path, query, body, self.faults)
        return answer or (404, {}, arm_error("NotFound", f"The fake does not serve {method} {path}."))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients use it
    fake = None

    def log_message(self, *args):  # the JSON-lines log is the record
        pass

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunk = self.rfile.read(size + 2)[:size]
                if size == 0:
                    return data
                data += chunk
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _handle(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        raw = self._body()
        if path.startswith("/_fake/"):
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return self._send(400, {}, arm_error("InvalidRequestContent", "The body is not JSON."))
            status, headers, answer = self.fake.control(self.command, path, body)
            return self._send(status, headers, answer)
        authorization = self.headers.get("Authorization") or ""
        entry = {"time": round(time.time(), 3), "method": self.command, "path": path,
                 "query": {k: v for k, v in query.items() if k != "api-version"},
                 "bearer": authorization.startswith("Bearer "),
                 "user_agent": self.headers.get("User-Agent") or ""}  # whose request (cross-checks)
        if "api-version" in query:
            entry["api_version"] = query["api-version"]
        try:
            status, headers, answer = self.fake.answer(self.command, path, query, self.headers, raw, entry)
        except Exception as e:  # a bug in the fake: say so, as a 500 the test will see
            print(f"azureml_fake: {self.command} {path}: {e!r}", file=sys.stderr, flush=True)
            status, headers, answer = 500, {}, arm_error("FakeBug", repr(e))
        entry["status"] = status
        self.fake.log.add(entry)
        self._send(status, headers, answer)

    def _send(self, status, headers, answer):
        if answer is None:
            data, content_type = b"", None
        elif isinstance(answer, str):
            data, content_type = answer.encode(), "text/plain; charset=utf-8"
        else:
            data, content_type = json.dumps(answer).encode(), "application/json; charset=utf-8"
        self.send_response(status)
        request_id = str(uuid.uuid4())
        for name, value in {"x-ms-request-id": request_id, "x-ms-correlation-request-id": request_id,
                            **headers}.items():
            self.send_header(name, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _handle


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--azurite", required=True, help="Azurite's blob URL, http://127.0.0.1:N")
    parser.add_argument("--account", required=True, help="the storage account in Azurite")
    parser.add_argument("--key-file", required=True, help="file holding its base64 key")
    parser.add_argument("--secrets-file", required=True, help="JSON: client_secret, identity_header, "
                        "msi_secret, federated_token")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--port-file", help="where to write the port once it listens")
    parser.add_argument("--requests-log", help="JSON-lines file of the requests received")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    Handler.fake = Fake(args, base_url)
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write(str(server.server_address[1]))
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"azureml_fake: listening on {base_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
