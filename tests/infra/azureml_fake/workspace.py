"""The ARM side of one fake Azure ML workspace (contract §1, §2, §3 cancel, §5 errors).

Routes under {ws} = /subscriptions/{s}/resourceGroups/{rg}/providers/
Microsoft.MachineLearningServices/workspaces/{w}:
  GET  {ws}                                         location, discoveryUrl, mlFlowTrackingUri
  GET  {ws}/datastores[?isDefault=true]             {"value": [...]}
  GET  {ws}/datastores/{n}                          workspaceblobstore, workspaceartifactstore
  POST {ws}/datastores/{n}/listSecrets              {"secretsType": "AccountKey", "key": ...}
  PUT  {ws}/codes|environments/{n}/versions/{v}     201 new, 200 same; 400 "Asset paths cannot be
                                                    updated." (changed codeUri); 409 changed env
  GET  {ws}/codes|environments/{n}[/versions/{v}]
  GET  {ws}/data|models/{n}/versions                every name has a version "1"
  PUT  {ws}/jobs/{n}, GET {ws}/jobs[/{n}]           201 new, 200 same, 409 changed
  POST {ws}/jobs/{n}/cancel                         202 + Location + Retry-After
  PUT  {ws}/computes/{n}                            201/200 + Azure-AsyncOperation (LRO)
  GET  {ws}/computes[/{n}]
  GET  /subscriptions/{s}/providers/Microsoft.MachineLearningServices/locations/{l}/
       computeOperationsStatus/{id} | mfeOperationResults/{id}       the LROs' status
Choices the contract leaves open are the fake's own and marked "fake's choice".
"""
import copy
import re
import threading
import time
import uuid

from faults import arm_error

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
RESOURCE_GROUP, WORKSPACE, LOCATION = "rg", "ws", "eastus"
PROVIDER = "Microsoft.MachineLearningServices"
WS_ID = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/{PROVIDER}"
         f"/workspaces/{WORKSPACE}")
OPERATIONS = f"/subscriptions/{SUBSCRIPTION}/providers/{PROVIDER}/locations/{LOCATION}"
BLOB_CONTAINER = "azureml-blobstore-00000000-0000-0000-0000-000000000000"
ARTIFACT_CONTAINER = "azureml"
WORKSPACE_GUID = "00000000-0000-0000-0000-0000000000f0"
DEFAULT_COMPUTE = "cpu-cluster"  # exists from the start (fake's choice): command jobs name it
LRO_RETRY_AFTER = "1"  # seconds; the SDK would wait 30 s without it
API_VERSION_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")
IMMUTABLE_ENV_FIELDS = {"image": None, "condaFile": None, "build": None, "osType": "Linux",
                        "inferenceConfig": None}  # with the service's defaults


def iso_now():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def system_data():
    now = iso_now()
    return {"createdAt": now, "createdBy": "fake", "createdByType": "User",
            "lastModifiedAt": now, "lastModifiedBy": "fake", "lastModifiedByType": "User"}


def compute_failure(op):
    return {"code": "QuotaExceeded", "message": f"The fake could not create compute {op['compute']}: "
                                                "not enough quota (fail_computes)."}


def not_found(kind, name):
    return 404, {}, arm_error("UserError", f"{kind} {name} not found")


class Workspace:
    def __init__(self, base_url, blob_store, jobs):
        self.base_url, self.store, self.jobs = base_url, blob_store, jobs
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.assets = {}  # (codes|environments, name) -> {version: resource}
            self.computes = {DEFAULT_COMPUTE: self._compute_resource(DEFAULT_COMPUTE, {
                "location": LOCATION, "properties": {"computeType": "AmlCompute", "properties": {
                    "vmSize": "STANDARD_DS3_V2", "osType": "Linux", "scaleSettings": {
                        "minNodeCount": 0, "maxNodeCount": 4,
                        "nodeIdleTimeBeforeScaleDown": "PT2M"}}}}, "Succeeded")}
            self.operations = {}  # id -> {"kind", "done_at", "target", ...}

    # ---- dispatch ----
    def handle(self, method, path, query, body, faults):
        """(status, headers, body) for an ARM request, or None when no route matches."""
        version = query.get("api-version")
        if not version:
            return 400, {}, arm_error("MissingApiVersionParameter",
                                      "The api-version query parameter (?api-version=) is required.")
        if not API_VERSION_RE.match(version):
            return 400, {}, arm_error("InvalidApiVersionParameter",
                                      f"The api-version '{version}' is invalid.")
        if path.startswith(OPERATIONS + "/"):
            return self._operation(path[len(OPERATIONS) + 1:].split("/"))
        if path.lower() != WS_ID.lower() and not path.lower().startswith(WS_ID.lower() + "/"):
            if path.startswith("/subscriptions/"):
                return 404, {}, arm_error("ResourceNotFound", f"The resource {path} was not found.")
            return None
        seg = [s for s in path[len(WS_ID):].split("/") if s]
        key = (method, seg[0] if seg else "", len(seg))
        routes = {
            ("GET", "", 0): lambda: (200, {}, self._workspace()),
            ("GET", "datastores", 1): lambda: self._datastores(query, faults),
            ("GET", "datastores", 2): lambda: self._datastore(seg[1], faults),
            ("POST", "datastores", 3): lambda: self._list_secrets(seg[1], seg[2]),
            ("GET", "jobs", 1): lambda: (200, {}, {"value": self.jobs.all_resources()}),
            ("GET", "jobs", 2): lambda: self._job(seg[1]),
            ("PUT", "jobs", 2): lambda: self._put_job(seg[1], body),
            ("POST", "jobs", 3): lambda: self._cancel(seg[1], seg[2], faults),
            ("GET", "computes", 1): lambda: (200, {}, {"value": list(self.computes.values())}),
            ("GET", "computes", 2): lambda: self._compute(seg[1]),
            ("PUT", "computes", 2): lambda: self._put_compute(seg[1], body, faults),
        }
        if seg and seg[0] in ("codes", "environments"):
            return self._asset(method, seg, body)
        if method == "GET" and len(seg) == 3 and seg[0] in ("data", "models") and seg[2] == "versions":
            return self._registered_asset_versions(seg[0], seg[1])
        route = routes.get(key)
        if route is None:
            return 404, {}, arm_error("NoRegisteredProviderFound" if method != "GET" else "NotFound",
                                      f"The fake does not serve {method} {path}.")
        return route()

    # ---- workspace and datastores ----
    def _workspace(self):
        host = self.base_url.split("://", 1)[1]
        return {"id": WS_ID, "name": WORKSPACE, "type": f"{PROVIDER}/workspaces",
                "location": LOCATION, "identity": {"type": "SystemAssigned"},
                "properties": {"friendlyName": WORKSPACE, "discoveryUrl": f"{self.base_url}/discovery",
                               "mlFlowTrackingUri": f"azureml://{host}/mlflow/v1.0{WS_ID}",
                               "workspaceId": WORKSPACE_GUID,
                               "provisioningState": "Succeeded",
                               "storageAccount": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/"
                               f"{RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/"
                               f"{self.store.account}"},
                "systemData": system_data()}

    def _datastore_resource(self, name, faults=None):
        container = {"workspaceblobstore": BLOB_CONTAINER,
                     "workspaceartifactstore": ARTIFACT_CONTAINER}.get(name)
        if container is None:
            return None
        # endpoint/protocol as in Azure: the SDK ignores them (contract §0.3), jobc must not.
        # The azurite_datastores switch names Azurite instead (jobc's end-to-end tests).
        endpoint, protocol = "core.windows.net", "https"
        if faults is not None and faults.value("azurite_datastores"):
            endpoint, protocol = self.store.base_url.split("://", 1)[1], "http"
        return {"id": f"{WS_ID}/datastores/{name}", "name": name,
                "type": f"{PROVIDER}/workspaces/datastores", "systemData": system_data(),
                "properties": {"datastoreType": "AzureBlob", "accountName": self.store.account,
                               "containerName": container, "endpoint": endpoint,
                               "protocol": protocol, "serviceDataAccessAuthIdentity": "None",
                               "credentials": {"credentialsType": "AccountKey"},
                               "isDefault": name == "workspaceblobstore", "tags": {},
                               "properties": {}, "description": None}}

    def _datastores(self, query, faults=None):
        names = ["workspaceblobstore", "workspaceartifactstore"]
        if query.get("isDefault", "").lower() == "true":
            names = names[:1]
        return 200, {}, {"value": [self._datastore_resource(n, faults) for n in names]}

    def _datastore(self, name, faults=None):
        resource = self._datastore_resource(name, faults)
        return (200, {}, resource) if resource else not_found("Datastore", name)

    def _list_secrets(self, name, action):
        if action != "listSecrets":
            return 404, {}, arm_error("NotFound", f"No action {action}.")
        if self._datastore_resource(name) is None:
            return not_found("Datastore", name)
        return 200, {}, {"secretsType": "AccountKey", "key": self.store.key_b64}

    # ---- code and environment versions ----
    def _asset(self, method, seg, body):
        kind = seg[0]
        if len(seg) < 2 or len(seg) == 3 or (len(seg) == 4 and seg[2] != "versions") or len(seg) > 4:
            return 404, {}, arm_error("NotFound", f"No such {kind} route.")
        name = seg[1]
        label = {"codes": "Code", "environments": "Environment"}[kind]
        with self.lock:
            versions = self.assets.get((kind, name), {})
            if len(seg) == 2:
                if method != "GET":
                    return 405, {}, arm_error("MethodNotAllowed", f"{method} is not allowed here.")
                if not versions:
                    return not_found(label, name)
                latest = max(versions, key=lambda v: (len(v), v))
                numeric = [int(v) for v in versions if v.isdigit()]
                return 200, {}, {"id": f"{WS_ID}/{kind}/{name}", "name": name,
                                 "type": f"{PROVIDER}/workspaces/{kind}", "systemData": system_data(),
                                 "properties": {"latestVersion": latest,
                                                "nextVersion": str(max(numeric, default=0) + 1),
                                                "isArchived": False}}
            version = seg[3]
            if method == "GET":
                found = versions.get(version)
                return (200, {}, found) if found else not_found(label, f"{name}:{version}")
            if method != "PUT":
                return 405, {}, arm_error("MethodNotAllowed", f"{method} is not allowed here.")
            properties = (body or {}).get("properties")
            if not isinstance(properties, dict):
                return 400, {}, arm_error("UserError", "The request body has no properties.")
            old = versions.get(version)
            if old is not None and kind == "codes" and \
                    old["properties"].get("codeUri") != properties.get("codeUri"):
                return 400, {}, arm_error("UserError", "Asset paths cannot be updated.")
            if old is not None and kind == "environments" and any(
                    old["properties"].get(f, d) != properties.get(f, d)
                    for f, d in IMMUTABLE_ENV_FIELDS.items()):
                # The contract found no documented status for this: 409 UserError (fake's choice).
                return 409, {}, arm_error("UserError", f"Environment {name}:{version} already exists "
                                          "with different content; versions cannot be changed.")
            resource = {"id": f"{WS_ID}/{kind}/{name}/versions/{version}", "name": version,
                        "type": f"{PROVIDER}/workspaces/{kind}/versions",
                        "properties": copy.deepcopy(properties), "systemData": system_data()}
            if kind == "environments":
                resource["properties"].setdefault("osType", "Linux")
                resource["properties"]["environmentType"] = "UserCreated"
            self.assets.setdefault((kind, name), {})[version] = resource
            return (201 if old is None else 200), {}, resource

    def _registered_asset_versions(self, kind, name):
        """Data and models are not created here: every name has a version "1" (fake's choice,
        as the conformance oracle's), so that `name@latest` resolves."""
        uri = f"azureml://datastores/workspaceblobstore/paths/{kind}/{name}/"
        return 200, {}, {"value": [{
            "id": f"{WS_ID}/{kind}/{name}/versions/1", "name": "1", "systemData": system_data(),
            "type": f"{PROVIDER}/workspaces/{kind}/versions",
            "properties": {"dataType": "uri_folder", "dataUri": uri, "modelType": "custom_model",
                           "modelUri": uri, "flavors": {}, "properties": {}, "tags": {},
                           "isArchived": False, "isAnonymous": False}}]}

    def asset_exists(self, arm_id):
        match = re.match(re.escape(WS_ID) + r"/(codes|environments)/([^/]+)/versions/([^/]+)$",
                         arm_id or "", re.I)
        if not match:
            return True  # registries, curated environments: not the fake's to check
        with self.lock:
            return match.group(3) in self.assets.get((match.group(1), match.group(2)), {})

    # ---- jobs ----
    def _job(self, name):
        resource = self.jobs.resource(name)
        return (200, {}, resource) if resource else not_found("Job", name)

    def _put_job(self, name, body):
        properties = (body or {}).get("properties")
        if not isinstance(properties, dict) or "jobType" not in properties:
            return 400, {}, arm_error("UserError", "The job has no properties.jobType.")
        compute = properties.get("computeId") or ""
        match = re.match(re.escape(WS_ID) + r"/computes/([^/]+)$", compute, re.I)
        if match and match.group(1) not in self.computes:
            # fake's choice: the service validates the compute (the SDK never GETs it, §0.6)
            return 400, {}, arm_error("UserError", f"Compute {match.group(1)} not found")
        for field in ("codeId", "environmentId"):
            if properties.get(field) and not self.asset_exists(properties[field]):
                return 400, {}, arm_error("UserError", f"{properties[field]} not found: put it "
                                          "before the job.", target=field)
        return self.jobs.put(name, body)

    def _cancel(self, name, action, faults):
        if action != "cancel":
            return 404, {}, arm_error("NotFound", f"No action {action}.")
        if self.jobs.resource(name) is None:
            return not_found("Job", name)
        if not self.jobs.cancel(name):
            return 200, {}, None  # already terminal: nothing to do (fake's choice)
        op = self._new_operation("cancel", faults, job=name)
        return 202, {"Location": f"{self.base_url}{OPERATIONS}/mfeOperationResults/jc:{op}"
                                 f"?api-version=2022-10-01-preview",
                     "Retry-After": LRO_RETRY_AFTER}, None

    # ---- computes ----
    def _compute_resource(self, name, body, state):
        resource = copy.deepcopy(body)
        resource.update(id=f"{WS_ID}/computes/{name}", name=name,
                        type=f"{PROVIDER}/workspaces/computes", systemData=system_data())
        resource.setdefault("location", LOCATION)
        resource.setdefault("properties", {})["provisioningState"] = state
        return resource

    def _compute(self, name):
        with self.lock:
            self._settle_operations()
            resource = self.computes.get(name)
        return (200, {}, resource) if resource else not_found("Compute", name)

    def _put_compute(self, name, body, faults):
        properties = (body or {}).get("properties")
        if not isinstance(properties, dict) or "computeType" not in properties:
            return 400, {}, arm_error("UserError", "The compute has no properties.computeType.")
        with self.lock:
            exists = name in self.computes
            state = "Updating" if exists else "Creating"
            self.computes[name] = self._compute_resource(name, body, state)
            resource = copy.deepcopy(self.computes[name])
        op = self._new_operation("compute", faults, compute=name,
                                 fails=faults.job_matches(name, "fail_computes"))
        return (200 if exists else 201), {
            "Azure-AsyncOperation": f"{self.base_url}{OPERATIONS}/computeOperationsStatus/{op}"
                                    f"?api-version=2022-10-01-preview&service=new",
            "Retry-After": LRO_RETRY_AFTER}, resource

    # ---- long-running operations ----
    def _new_operation(self, kind, faults, **target):
        op = str(uuid.uuid4())
        seconds = max(faults.value("slow_lro_seconds"), faults.value("step_seconds"))
        with self.lock:
            self.operations[op] = dict(kind=kind, started=iso_now(), done_at=time.time() + seconds,
                                       **target)
        return op

    def _settle_operations(self):
        for op in self.operations.values():
            if op["kind"] == "compute" and time.time() >= op["done_at"] and not op.get("settled"):
                op["settled"] = True
                compute = self.computes.get(op["compute"])
                if compute and op.get("fails"):
                    compute["properties"]["provisioningState"] = "Failed"
                    compute["properties"]["provisioningErrors"] = [{"error": compute_failure(op)}]
                elif compute:
                    compute["properties"]["provisioningState"] = "Succeeded"

    def _operation(self, seg):
        if len(seg) != 2 or seg[0] not in ("computeOperationsStatus", "mfeOperationResults"):
            return 404, {}, arm_error("NotFound", "No such operation.")
        op_id = seg[1][3:] if seg[1].startswith("jc:") else seg[1]
        with self.lock:
            self._settle_operations()
            op = self.operations.get(op_id)
        if op is None:
            return 404, {}, arm_error("NotFound", f"Operation {seg[1]} not found.")
        if op["kind"] == "cancel":  # Location polling: 202 while running, then 200
            if not self.jobs.is_terminal(op["job"]) or time.time() < op["done_at"]:
                return 202, {"Location": f"{self.base_url}{OPERATIONS}/mfeOperationResults/{seg[1]}"
                                         "?api-version=2022-10-01-preview",
                             "Retry-After": LRO_RETRY_AFTER}, None
            return 200, {}, None
        done = time.time() >= op["done_at"]
        outcome = "Failed" if op.get("fails") else "Succeeded"
        status = {"id": f"{OPERATIONS}/computeOperationsStatus/{op_id}", "name": op_id,
                  "status": outcome if done else "InProgress", "startTime": op["started"]}
        if done:
            status["endTime"] = iso_now()
            if op.get("fails"):
                status["error"] = compute_failure(op)
        return 200, ({} if done else {"Retry-After": LRO_RETRY_AFTER}), status
