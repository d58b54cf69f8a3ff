"""Uploads a local folder to Azurite with the official SDK's own blob upload (azure-ai-ml
1.4.0's BlobStorageClient.upload, Debian's python3-azure), as `jobs.create_or_update` does for
code, and prints its artifact info as JSON: the interop test's other side.

Usage: sdk_blob_upload.py AZURITE_URL ACCOUNT KEY_FILE CONTAINER SOURCE ASSET_HASH NAME VERSION
The key is read from KEY_FILE, never taken as an argument. Exits 77 without the SDK.
"""
import json
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "azureml", "shims"))  # pydash stand-in
logging.getLogger("azure").setLevel(logging.CRITICAL)
try:
    from azure.ai.ml._artifacts._blob_storage_helper import BlobStorageClient
except ImportError as error:
    print(f"skipped: the Azure ML SDK does not import ({error})", file=sys.stderr)
    sys.exit(77)

azurite, account, key_file, container, source, asset_hash, name, version = sys.argv[1:9]
with open(key_file, encoding="utf-8") as f:
    key = f.read().strip()
client = BlobStorageClient(credential=key, account_url=f"{azurite}/{account}",
                           container_name=container)
info = client.upload(source, name=name, version=version, asset_hash=asset_hash,
                     show_progress=False)
print(json.dumps(info))
