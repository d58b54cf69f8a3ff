"""The official Azure ML SDK (azure-ai-ml 1.4.0, Debian's python3-azure) wired to the fake and
Azurite that tests/infra/azurite_up.sh started, as the contract's §7 shows: the pydash stand-in
in ./shims, AZUREML_DEV_URL_MFE for the ARM base URL, the storage URL table pointed at Azurite
(path-style), a bearer policy that allows http:// on loopback, a token from the fake's
client-credentials endpoint. Every request the SDK sends (ARM, run history, blob) is also
recorded on the client side (CLIENT_RECORD).

Importing it exits 77 (ctest: skipped) with the reason when the infrastructure or the SDK is
missing. Used by sdk_crosscheck_test.py and sdk_submit.py.
"""
import json
import logging
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STATE = os.environ.get("JOBC_AZURE_TEST_STATE", "/tmp/jobc-azure-test")
SHARED = os.path.join(os.environ.get("JOBC_SHARED_DIR") or os.path.join(ROOT, "..", "shared"),
                      "conformance")
SKIPPED = 77
WS = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
      "Microsoft.MachineLearningServices/workspaces/ws")


def read_env():
    try:
        with open(os.path.join(STATE, "env"), encoding="utf-8") as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line and line[0] != "#")
    except OSError:
        return None


logging.getLogger("azure").setLevel(logging.CRITICAL)  # refusals are asserted, not printed
warnings.simplefilter("ignore", ResourceWarning)  # the SDK leaves sockets to the collector
ENV = read_env()
if ENV is None:
    print(f"skipped: Azurite and the Azure ML fake are not running ({STATE}/env is missing; "
          "tests/infra/azurite_up.sh starts them)")
    sys.exit(SKIPPED)
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "shims"))
os.environ["AZUREML_DEV_URL_MFE"] = ENV["JOBC_TEST_AZUREML_FAKE_URL"]  # the ARM base URL (§7)
try:
    import azure.ai.ml.constants._common as sdk_constants
    from azure.ai.ml import MLClient, load_compute, load_job
    from azure.ai.ml.exceptions import JobException
    from azure.ai.ml._artifacts._artifact_utilities import _check_and_upload_env_build_context
    from azure.ai.ml.operations import _environment_operations, _job_operations
    from azure.core.credentials import AccessToken
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
    from azure.core.pipeline.policies import SansIOHTTPPolicy
    from azure.core.pipeline.transport import RequestsTransport
    from azure.identity import ManagedIdentityCredential
    from azure.storage.blob import BlobServiceClient
except ImportError as e:
    print(f"skipped: the official SDK does not import ({e}); apt-get install python3-azure")
    sys.exit(SKIPPED)

FAKE = ENV["JOBC_TEST_AZUREML_FAKE_URL"]
AZURITE = ENV["JOBC_TEST_AZURITE_URL"]
ACCOUNT = ENV["JOBC_TEST_AZURE_STORAGE_ACCOUNT"]
sdk_constants.STORAGE_ACCOUNT_URLS["AzureBlob"] = AZURITE + "/{}/"  # path-style, as in §7


def fake_call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(FAKE + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def fake_token():
    """An ARM token from the fake's client-credentials endpoint (contract §4)."""
    with open(ENV["JOBC_TEST_AZUREML_FAKE_SECRETS_FILE"], encoding="utf-8") as f:
        secret = json.load(f)["client_secret"]
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope":
                                   "https://management.azure.com/.default", "client_secret": secret,
                                   "client_id": ENV["JOBC_TEST_AZURE_CLIENT_ID"]}).encode()
    url = f"{FAKE}/{ENV['JOBC_TEST_AZURE_TENANT']}/oauth2/v2.0/token"
    with urllib.request.urlopen(url, data=form, timeout=30) as response:
        answer = json.load(response)
    return AccessToken(answer["access_token"], int(time.time()) + answer["expires_in"])


def arm_put(path, body):
    request = urllib.request.Request(FAKE + path, data=json.dumps(body).encode(), method="PUT", headers={
        "Content-Type": "application/json", "Authorization": "Bearer " + CREDENTIAL.get_token().token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


class FakeTokenCredential:
    def __init__(self):
        self.token = None

    def get_token(self, *scopes, **kwargs):
        if self.token is None or self.token.expires_on < time.time() + 300:
            self.token = fake_token()
        return self.token


class PlainBearer(SansIOHTTPPolicy):
    """The stock bearer policy refuses http:// (contract §0.7); this one allows loopback."""

    def __init__(self, credential):
        super().__init__()
        self.credential = credential

    def on_request(self, request):
        request.context.options.pop("enforce_https", None)
        token = self.credential.get_token("https://management.azure.com/.default").token
        request.http_request.headers["Authorization"] = "Bearer " + token


class ClientRecord:
    """Every request the SDK's pipelines send, seen from the client (blob calls included)."""

    def __init__(self):
        self.entries, self.lock = [], threading.Lock()
        original = RequestsTransport.send

        def send(transport, request, **kwargs):
            response = original(transport, request, **kwargs)
            url = urllib.parse.urlsplit(request.url)
            entry = {"method": request.method, "path": urllib.parse.unquote(url.path),
                     "query": dict(urllib.parse.parse_qsl(url.query)), "status": response.status_code,
                     "headers": {k.lower(): v for k, v in request.headers.items()}}
            with self.lock:
                self.entries.append(entry)
            return response

        RequestsTransport.send = send

    def clear(self):
        with self.lock:
            self.entries = []

    def blob_requests(self):
        prefix = f"/{ACCOUNT}/"
        with self.lock:
            return [e for e in self.entries if e["path"].startswith(prefix)]


def upload_build_contexts_for_workspaces_too(create_or_update):
    """This 1.4.0 snapshot uploads a local `build:` context only for registries; later SDKs
    (and jobc, and the conformance oracle) for workspaces too (contract §1)."""

    def patched(self, environment):
        if not self._registry_name and environment.path:
            environment = _check_and_upload_env_build_context(
                environment=environment, operations=self, show_progress=False)
        return create_or_update(self, environment)

    return patched


_environment_operations.EnvironmentOperations.create_or_update = \
    upload_build_contexts_for_workspaces_too(_environment_operations.EnvironmentOperations.create_or_update)
CLIENT_RECORD = ClientRecord()
CREDENTIAL = FakeTokenCredential()


def new_client():
    """A new client: each caches the run-history URL it discovered."""
    return MLClient(CREDENTIAL, "00000000-0000-0000-0000-000000000000", "rg", "ws",
                    authentication_policy=PlainBearer(CREDENTIAL), polling_interval=1,
                    show_progress=False)


with open(ENV["JOBC_TEST_AZURE_STORAGE_KEY_FILE"], encoding="utf-8") as key_file:
    BLOBS = BlobServiceClient(f"{AZURITE}/{ACCOUNT}", credential={  # for checks of what landed
        "account_name": ACCOUNT, "account_key": key_file.read().strip()})
BLOB_CONTAINER = "azureml-blobstore-00000000-0000-0000-0000-000000000000"


def server_log():
    """The requests the fake received, without the token requests (made lazily)."""
    return [e for e in fake_call("GET", "/_fake/requests") if not e["path"].endswith("/oauth2/v2.0/token")]


