"""The fake's own blob client for Azurite: SharedKey-signed requests and read-only SAS URLs.

Azure ML's service writes a job's logs and outputs into the workspace storage account and
hands out SAS URLs to them; the fake does the same against Azurite (path-style URLs,
http://127.0.0.1:N/{account}/{container}/{blob}). Standard library only.
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import urllib.parse
import xml.etree.ElementTree as ElementTree

API_VERSION = "2021-12-02"  # what azure-storage-blob 12.15 sends (contract §1)


def _now_rfc1123():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


class StorageError(Exception):
    pass


class BlobStore:
    """One storage account in Azurite, signed with its account key."""

    def __init__(self, base_url, account, key):
        self.base_url = base_url.rstrip("/")  # http://127.0.0.1:N
        self.account = account
        self.key_b64 = key
        self.key = base64.b64decode(key)
        parts = urllib.parse.urlsplit(self.base_url)
        self.host, self.port = parts.hostname, parts.port

    def url(self, container, blob=""):
        path = f"/{self.account}/{container}" + (f"/{urllib.parse.quote(blob)}" if blob else "")
        return self.base_url + path

    def _sign(self, method, path, query, headers):
        lower = {k.lower(): v for k, v in headers.items()}
        length = lower.get("content-length", "")
        standard = [lower.get(h, "") for h in (
            "content-encoding", "content-language")] + [
            "" if length == "0" else length] + [lower.get(h, "") for h in (
                "content-md5", "content-type", "date", "if-modified-since", "if-match",
                "if-none-match", "if-unmodified-since", "range")]
        ms = "".join(f"{k}:{v}\n" for k, v in sorted(lower.items()) if k.startswith("x-ms-"))
        resource = f"/{self.account}{path}" + "".join(
            f"\n{k.lower()}:{v}" for k, v in sorted(query.items()))
        to_sign = f"{method}\n" + "\n".join(standard) + "\n" + ms + resource
        mac = hmac.new(self.key, to_sign.encode(), hashlib.sha256).digest()
        return f"SharedKey {self.account}:{base64.b64encode(mac).decode()}"

    def request(self, method, container, blob="", query=None, body=b"", headers=None):
        query = dict(query or {})
        path = f"/{self.account}/{container}" + (f"/{urllib.parse.quote(blob)}" if blob else "")
        headers = dict(headers or {})
        headers.update({"x-ms-date": _now_rfc1123(), "x-ms-version": API_VERSION,
                        "Content-Length": str(len(body))})
        headers["Authorization"] = self._sign(method, path, query, headers)
        target = path + ("?" + urllib.parse.urlencode(query) if query else "")
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), data
        finally:
            connection.close()

    def _check(self, result, *ok):
        status, headers, data = result
        if status not in ok:
            raise StorageError(f"Azurite answered {status}: {data[:300]!r}")
        return result

    def create_container(self, container):
        status, _, data = self.request("PUT", container, query={"restype": "container"})
        if status not in (201, 409):  # 409: ContainerAlreadyExists
            raise StorageError(f"creating container {container}: {status} {data[:300]!r}")

    def put_blob(self, container, blob, data, content_type="application/octet-stream"):
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
        self._check(self.request("PUT", container, blob, body=data, headers={
            "x-ms-blob-type": "BlockBlob", "Content-Type": content_type, "Content-MD5": md5}), 201)

    def list_blobs(self, container, prefix=""):
        names, marker = [], ""
        while True:
            query = {"restype": "container", "comp": "list", "prefix": prefix}
            if marker:
                query["marker"] = marker
            _, _, data = self._check(self.request("GET", container, query=query), 200)
            root = ElementTree.fromstring(data)
            names += [b.findtext("Name") for b in root.iter("Blob")]
            marker = root.findtext("NextMarker") or ""
            if not marker:
                return names

    def delete_blob(self, container, blob):
        self._check(self.request("DELETE", container, blob), 202, 404)

    def read_sas_url(self, container, blob, hours=24):
        """A read-only service SAS for one blob, as run history's logFiles carry (sr=b, sp=r)."""
        expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
                  ).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = {"sp": "r", "st": "", "se": expiry}
        resource = f"/blob/{self.account}/{container}/{blob}"
        # Service SAS string-to-sign for sv 2020-12-06 and later (blob, no user delegation).
        to_sign = "\n".join([fields["sp"], fields["st"], fields["se"], resource, "", "", "https,http",
                             API_VERSION, "b", "", "", "", "", "", "", ""])
        sig = base64.b64encode(hmac.new(self.key, to_sign.encode(), hashlib.sha256).digest()).decode()
        query = urllib.parse.urlencode({"sv": API_VERSION, "spr": "https,http", "se": expiry,
                                        "sr": "b", "sp": "r", "sig": sig})
        return f"{self.url(container, blob)}?{query}"
