"""Token endpoints (contract §4) and the check of the bearer tokens they issued.

  GET  /{tenant}/v2.0/.well-known/openid-configuration      Microsoft Entra discovery
  POST /{tenant}/oauth2/v2.0/token                          client secret, or a federated
                                                            token (workload identity)
  GET  /msi/token?api-version=2019-08-01&resource=R         IDENTITY_ENDPOINT + X-IDENTITY-HEADER
  GET  /msi/token?api-version=2017-09-01&resource=R         MSI_ENDPOINT + header `secret`
  GET  /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R   IMDS, `Metadata: true`

Every token is a fake, JWT-shaped value, new per request, valid `lifetime` seconds for one
audience (the resource). Secrets come from the secrets file that azurite_up.sh wrote.
"""
import base64
import json
import secrets
import threading
import time
import urllib.parse

from faults import arm_error

ARM = "https://management.azure.com"


def _segment(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


class Tokens:
    def __init__(self, base_url, client_id, secrets_file, faults):
        self.base_url, self.client_id, self.faults = base_url, client_id, faults
        with open(secrets_file, encoding="utf-8") as f:
            self.secrets = json.load(f)
        self.issued = {}  # token -> (audience, expires_on)
        self.lock = threading.Lock()

    def _issue(self, resource, tenant="fake-tenant"):
        expires_on = int(time.time()) + self.lifetime()
        audience = resource.rstrip("/")
        token = ".".join([_segment({"typ": "JWT", "alg": "none"}), _segment(
            {"aud": audience, "tid": tenant, "appid": self.client_id, "exp": expires_on}),
            "fake-signature-" + secrets.token_hex(8)])
        with self.lock:
            self.issued[token] = (audience, expires_on)
        return token, expires_on

    def lifetime(self):
        return int(self.faults.value("token_lifetime_seconds"))

    def check_bearer(self, authorization, audience=ARM):
        """None when the header carries a live token for `audience`, else (status, headers, body)."""
        challenge = {"WWW-Authenticate": f'Bearer authorization_uri="{self.base_url}/fake-tenant", '
                                         'error="invalid_token"'}
        if not authorization or not authorization.startswith("Bearer "):
            return 401, challenge, arm_error(
                "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
        with self.lock:
            known = self.issued.get(authorization[len("Bearer "):])
        if known is None:
            return 401, challenge, arm_error("InvalidAuthenticationToken",
                                             "The access token is invalid.")
        if known[0] != audience:
            return 401, challenge, arm_error("InvalidAuthenticationTokenAudience",
                                             f"The access token has an invalid audience {known[0]}.")
        if known[1] <= time.time():
            return 401, challenge, arm_error("ExpiredAuthenticationToken",
                                             "The access token expiry UTC time is in the past.")
        return None

    # ---- Microsoft Entra ID ----
    def openid_configuration(self, tenant):
        base = f"{self.base_url}/{tenant}"
        return 200, {}, {"token_endpoint": f"{base}/oauth2/v2.0/token",
                         "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                         "issuer": f"{base}/v2.0", "tenant_region_scope": "NA",
                         "token_endpoint_auth_methods_supported": ["client_secret_post",
                                                                   "private_key_jwt"]}

    def client_token(self, tenant, form):
        def refuse(code, description, status=401):
            return status, {}, {"error": code, "error_description": description}

        if form.get("grant_type") != "client_credentials":
            return refuse("unsupported_grant_type", "Only client_credentials is supported.", 400)
        if form.get("client_id") != self.client_id:
            return refuse("unauthorized_client", f"Application {form.get('client_id')} not found.", 400)
        federated = form.get("client_assertion_type") == \
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        if federated and form.get("client_assertion") != self.secrets["federated_token"]:
            return refuse("invalid_client", "AADSTS700211: the federated token is not valid.")
        if not federated and form.get("client_secret") != self.secrets["client_secret"]:
            return refuse("invalid_client", "AADSTS7000215: Invalid client secret provided.")
        scope = form.get("scope", "")
        if not scope.endswith("/.default"):
            return refuse("invalid_scope", f"The scope '{scope}' is not valid.", 400)
        token, _ = self._issue(scope[: -len("/.default")], tenant)
        return 200, {}, {"token_type": "Bearer", "expires_in": self.lifetime(),
                         "ext_expires_in": self.lifetime(), "access_token": token}

    # ---- managed identity ----
    def managed_identity(self, path, query, headers):
        resource = query.get("resource", "")
        version = query.get("api-version")
        if path == "/metadata/identity/oauth2/token":
            if headers.get("Metadata") != "true":
                return 400, {}, {"error": "invalid_request",
                                 "error_description": "Required metadata header not specified"}
            ok = version == "2018-02-01"
        elif version == "2019-08-01":
            ok = headers.get("X-IDENTITY-HEADER") == self.secrets["identity_header"]
        elif version == "2017-09-01":
            ok = headers.get("secret") == self.secrets["msi_secret"]
        else:
            ok = False
        if not ok or not resource:
            return 400 if not resource else 401, {}, {
                "error": "invalid_request", "error_description": "Wrong api-version, header or resource."}
        token, expires_on = self._issue(resource)
        body = {"access_token": token, "expires_on": str(expires_on), "resource": resource,
                "token_type": "Bearer"}
        if path == "/metadata/identity/oauth2/token":
            body["expires_in"] = str(self.lifetime())  # IMDS gives strings
        if version == "2017-09-01":
            body["expires_on"] = expires_on  # Azure ML compute: an int
        return 200, {}, body


def parse_form(body):
    return dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
