"""The official SDK's own upload of a folder or file to Azurite (azure-ai-ml 1.4.0's
BlobStorageClient.upload, what jobs.create_or_update runs for code and local inputs), timed
inside the process: prints JSON {"import_s", "upload_s", "info"} for azureml_upload_bench.

Usage: azureml_sdk_upload.py AZURITE_URL ACCOUNT KEY_FILE CONTAINER SOURCE ASSET_HASH NAME
The key is read from KEY_FILE, never taken as an argument. Exits 77 without the SDK.
"""
import json
import logging
import os
import sys
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
imported = time.monotonic()

azurite, account, key_file, container, source, asset_hash, name = sys.argv[1:8]
with open(key_file, encoding="utf-8") as f:
    key = f.read().strip()
client = BlobStorageClient(credential=key, account_url=f"{azurite}/{account}",
                           container_name=container)
before = time.monotonic()
info = client.upload(source, name=name, version="1", asset_hash=asset_hash, show_progress=False)
done = time.monotonic()
print(json.dumps({"import_s": imported - started, "upload_s": done - before, "info": info}))
