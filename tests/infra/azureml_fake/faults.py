"""Fault switches: what the fake does wrong on purpose, set at start (JOBC_AZUREML_FAKE_FAULTS,
JSON) or at any time with POST /_fake/faults (the same JSON; it replaces the previous set).

    {"throttle":     [{"match": "PUT .*/jobs/", "times": 1, "retry_after": 2}],  429 + Retry-After
     "server_error": [{"match": "GET .*/details", "times": 2}],                  500
     "refuse":       [{"match": "PUT .*/jobs/", "status": 400, "code": "UserError",
                       "message": "..."}],                                       refused, every time
     "slow_lro_seconds": 20,        compute create/update and job cancel take this long
     "fail_jobs": "REGEX",          jobs whose name matches end Failed, with an error
     "stuck_jobs": "REGEX",         jobs whose name matches never leave Queued
     "fail_computes": "REGEX",      compute creates/updates whose name matches end Failed
     "step_seconds": 1.0,           how long each phase of the job lifecycle lasts
     "token_lifetime_seconds": 3599}   lifetime of the tokens issued from now on (refresh tests)

`match` is a regular expression searched in "METHOD /path" (no query). `times` counts down
(absent: every time).
"""
import json
import re
import threading

DEFAULTS = {"throttle": [], "server_error": [], "refuse": [], "slow_lro_seconds": 0,
            "fail_jobs": "", "stuck_jobs": "", "fail_computes": "", "step_seconds": 1.0,
            "token_lifetime_seconds": 3599, "azurite_datastores": False}


class Faults:
    def __init__(self, initial=None):
        self.lock = threading.Lock()
        self.set(initial or {})

    def set(self, settings):
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown fault switches: {', '.join(sorted(unknown))}")
        merged = json.loads(json.dumps({**DEFAULTS, **settings}))  # a deep copy
        for kind in ("throttle", "server_error", "refuse"):
            for rule in merged[kind]:
                re.compile(rule["match"])
        with self.lock:
            self.settings = merged

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.settings))

    def value(self, name):
        with self.lock:
            return self.settings[name]

    def job_matches(self, name, switch):
        pattern = self.value(switch)
        return bool(pattern) and re.search(pattern, name) is not None

    def _take(self, kind, request_line):
        with self.lock:
            for rule in self.settings[kind]:
                if re.search(rule["match"], request_line) and rule.get("times", 1) != 0:
                    if "times" in rule:
                        rule["times"] -= 1
                    return rule
        return None

    def injected(self, method, path):
        """(status, headers, ARM error body) for a request a switch intercepts, else None."""
        line = f"{method} {path}"
        rule = self._take("throttle", line)
        if rule:
            seconds = rule.get("retry_after", 1)
            return 429, {"Retry-After": str(seconds)}, arm_error(
                "TooManyRequests", f"The request is throttled; retry after {seconds} seconds.")
        rule = self._take("server_error", line)
        if rule:
            return 500, {}, arm_error("InternalServerError", "The fake injected a server error.")
        rule = self._take("refuse", line)
        if rule:
            return rule.get("status", 400), {}, arm_error(
                rule.get("code", "UserError"), rule.get("message", "The fake refused this request."))
        return None


def arm_error(code, message, target=None):
    """ARM's error body (common-types v3 ErrorResponse)."""
    error = {"code": code, "message": message, "details": [], "additionalInfo": []}
    if target:
        error["target"] = target
    return {"error": error}
