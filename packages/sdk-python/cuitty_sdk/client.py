"""The wire protocol of docs/design.md section 4: HMAC-SHA256 over timestamp, method, path and raw body."""
import hashlib
import hmac
import json
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

RETRYABLE_CODES = ("RATE_LIMITED", "INTERNAL")


def signing_string(timestamp, method, path_and_query, body):
    """The exact bytes signed: timestamp, METHOD, path relative to the portal, raw body, joined by newlines."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    head = "{}\n{}\n{}\n".format(int(timestamp), method.upper(), path_and_query).encode("utf-8")
    return head + body


def sign(api_key, timestamp, method, path_and_query, body):
    """The x-cuitty-signature header value: v1=<lowercase hex HMAC-SHA256>."""
    mac = hmac.new(api_key.encode("utf-8"), signing_string(timestamp, method, path_and_query, body), hashlib.sha256)
    return "v1=" + mac.hexdigest()


class CuittyError(Exception):
    """A refusal (code is the server's data.cuittyCode) or NETWORK when the portal could not be reached."""

    def __init__(self, code, message, status=None, fields=None):
        super().__init__("{}: {}".format(code, message))
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or []

    @property
    def retryable(self):
        return self.code in RETRYABLE_CODES or self.code == "NETWORK"


class Client:
    """Client(portal_url, project_id, api_key); each falls back to CUITTY_PORTAL_URL / _PROJECT_ID / _API_KEY."""

    def __init__(self, portal_url=None, project_id=None, api_key=None, timeout=10.0, retries=3, backoff=0.5):
        self.portal_url = (portal_url or os.environ.get("CUITTY_PORTAL_URL") or "").rstrip("/")
        self.project_id = project_id or os.environ.get("CUITTY_PROJECT_ID")
        self.api_key = api_key or os.environ.get("CUITTY_API_KEY")
        for name, value, env in (
            ("portal_url", self.portal_url, "CUITTY_PORTAL_URL"),
            ("project_id", self.project_id, "CUITTY_PROJECT_ID"),
            ("api_key", self.api_key, "CUITTY_API_KEY"),
        ):
            if not value:
                raise ValueError("Client needs {}: pass it or set {}".format(name, env))
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def emit(self, event):
        """Sends one deploy event (id and occurredAt filled in when missing); returns {deploy, changed, duplicate}."""
        return self.call("deploys.emit", _complete(event))

    def emit_batch(self, events):
        """Sends up to 500 events; returns the per-event results ({ok, deploy...} or {ok: False, error})."""
        return self.call("deploys.emitBatch", {"events": [_complete(e) for e in events]})["results"]

    def query(self, procedure, input=None):
        """A signed GET of a query procedure (needs a read or admin key)."""
        path = "/trpc/" + procedure
        if input is not None:
            path += "?input=" + urllib.parse.quote(json.dumps(input, separators=(",", ":")), safe="")
        return self._request("GET", path, b"")

    def call(self, procedure, input):
        """A signed POST of a mutation; retries network trouble, 429 and 5xx with backoff, honouring Retry-After."""
        body = json.dumps(input, separators=(",", ":")).encode("utf-8")
        return self._request("POST", "/trpc/" + procedure, body)

    def _request(self, method, path, body):
        attempt = 0
        while True:
            try:
                return self._once(method, path, body)
            except CuittyError as error:
                attempt += 1
                if not error.retryable or attempt > self.retries:
                    raise
                wait = getattr(error, "retry_after", None)
                if wait is None:
                    wait = self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random() / 2)
                time.sleep(wait)

    def _once(self, method, path, body):
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "x-cuitty-project": self.project_id,
            "x-cuitty-timestamp": str(timestamp),
            "x-cuitty-signature": sign(self.api_key, timestamp, method, path, body),
            "user-agent": "cuitty-sdk-python/0.1",
        }
        request = urllib.request.Request(
            self.portal_url + path, data=body if method != "GET" else None, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))["result"]["data"]
        except urllib.error.HTTPError as http_error:
            raise _refusal(http_error) from None
        except (urllib.error.URLError, OSError, TimeoutError) as network_error:
            raise CuittyError("NETWORK", "cannot reach {} ({})".format(self.portal_url, network_error)) from None


def _complete(event):
    event = dict(event)
    event.setdefault("id", "evt_" + uuid.uuid4().hex)
    event.setdefault("occurredAt", int(time.time()))
    return event


def _refusal(http_error):
    raw = http_error.read().decode("utf-8", "replace")
    try:
        error = json.loads(raw)["error"]
        data = error.get("data", {})
        refusal = CuittyError(data.get("cuittyCode", "INTERNAL"), error.get("message", raw), http_error.code, data.get("fields"))
    except (ValueError, KeyError, TypeError, AttributeError):
        code = "NETWORK" if http_error.code >= 500 or http_error.code == 429 else "HTTP_ERROR"
        refusal = CuittyError(code, "HTTP {} without a JSON body".format(http_error.code), http_error.code)
    retry_after = http_error.headers.get("retry-after") if http_error.headers else None
    if retry_after and retry_after.isdigit():
        refusal.retry_after = int(retry_after)
    return refusal
