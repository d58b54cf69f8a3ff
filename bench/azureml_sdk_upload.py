"""The official SDK's own upload of a folder or file to Azurite (azure-ai-ml 1.4.0's
BlobStorageClient.upload, what jobs.create_or_update runs for code and local inputs), timed
inside the process: prints JSON {"import_s", "upload_s", "upload_cpu_s", "requests", "info"} for
azureml_upload_bench. "requests" counts the HTTP requests the SDK sent, by method (counted in
azure-core's requests transport, which every storage call goes through).

Usage: azureml_sdk_upload.py AZURITE_URL ACCOUNT KEY_FILE CONTAINER SOURCE ASSET_HASH NAME
The key is read from KEY_FILE, never taken as an argument. Exits 77 without the SDK.
"""
import json
import logging
import os
import sys
import threading
import time

started = time.monotonic()
HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "azureml", "shims"))  # pydash
logging.getLogger("azure").setLevel(logging.CRITICAL)
try:
    from azure.ai.ml._artifacts._blob_storage_helper import BlobStorageClient
except ImportError as error:
    print(f"skipped: the Azure ML SDK does not import ({error})", file=sys.stderr)
    sys.exit(77)
from azure.core.pipeline.transport import RequestsTransport

imported = time.monotonic()

requests_sent = {}
counter_lock = threading.Lock()
send = RequestsTransport.send


def counting_send(self, request, **kwargs):
    with counter_lock:
        requests_sent[request.method] = requests_sent.get(request.method, 0) + 1
    return send(self, request, **kwargs)


RequestsTransport.send = counting_send

azurite, account, key_file, container, source, asset_hash, name = sys.argv[1:8]
with open(key_file, encoding="utf-8") as f:
    key = f.read().strip()
client = BlobStorageClient(credential=key, account_url=f"{azurite}/{account}",
                           container_name=container)
before, cpu_before = time.monotonic(), time.process_time()
info = client.upload(source, name=name, version="1", asset_hash=asset_hash, show_progress=False)
done, cpu_done = time.monotonic(), time.process_time()
print(json.dumps({"import_s": imported - started, "upload_s": done - before,
                  "upload_cpu_s": cpu_done - cpu_before, "requests": requests_sent, "info": info}))
