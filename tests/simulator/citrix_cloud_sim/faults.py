"""Fault injection: latency, jitter, error rates by status, a global rate limit, dropped
connections and token lifetime. Configured by ``--faults`` / ``--latency-ms`` / ``--token-ttl``
and at run time by ``PUT /_sim/faults`` (the whole config; keys left out take their defaults)."""

import math
import random
import time

from .errors import ApiError, daas_error, gateway_error
from .routing import is_daas_path

ERROR_STATUSES = ("429", "500", "502", "503", "504", "530")
DEFAULTS = {
    "latency_ms": 0,
    "jitter_ms": 0,
    "error_rates": {},
    "drop_before_rate": 0.0,
    "drop_after_rate": 0.0,
    "token_ttl_s": 3600,
    "rate_limit_per_s": None,
    # DaaS POSTs (power actions, $batch) are processed this long after they arrive: the service
    # acts late, and still acts when the client has timed out and gone.
    "process_delay_ms": 0,
}


class FaultConfigError(ValueError):
    pass


def validate(spec):
    """A full config from a (partial) spec; FaultConfigError on anything malformed."""
    if not isinstance(spec, dict):
        raise FaultConfigError("faults must be a JSON object")
    unknown = set(spec) - set(DEFAULTS)
    if unknown:
        raise FaultConfigError(f"unknown fault keys: {', '.join(sorted(unknown))}")
    config = dict(DEFAULTS, **spec)
    for key in ("latency_ms", "jitter_ms", "process_delay_ms"):
        _number(config, key, low=0)
    for key in ("drop_before_rate", "drop_after_rate"):
        _number(config, key, low=0, high=1)
    _number(config, "token_ttl_s", low=1)
    if config["rate_limit_per_s"] is not None:
        _number(config, "rate_limit_per_s", low=0.001)
    rates = config["error_rates"]
    if not isinstance(rates, dict) or set(map(str, rates)) - set(ERROR_STATUSES):
        raise FaultConfigError(f"error_rates keys must be among {', '.join(ERROR_STATUSES)}")
    config["error_rates"] = {str(k): v for k, v in rates.items()}
    for status in config["error_rates"]:
        _number(config["error_rates"], status, low=0, high=1)
    return config


def _number(config, key, low=None, high=None):
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FaultConfigError(f"{key} must be a number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise FaultConfigError(f"{key} must be between {low} and {high if high is not None else 'any'}")


class Faults:
    def __init__(self, config=None, rng=None):
        self.rng = rng or random.Random()
        self.set(config or dict(DEFAULTS))

    def set(self, config):
        self.config = validate(config)
        rate = self.config["rate_limit_per_s"]
        self._bucket = rate  # allow one second's worth of burst
        self._bucket_time = time.monotonic()

    def delay_seconds(self):
        latency, jitter = self.config["latency_ms"], self.config["jitter_ms"]
        return max(0.0, latency + (self.rng.uniform(-jitter, jitter) if jitter else 0.0)) / 1000.0

    def process_delay_seconds(self, method, path):
        if method != "POST" or not is_daas_path(path):
            return 0.0
        return self.config["process_delay_ms"] / 1000.0

    def rate_limited(self):
        """Token bucket; returns seconds to wait when the request is over the limit, else None."""
        rate = self.config["rate_limit_per_s"]
        if rate is None:
            return None
        now = time.monotonic()
        self._bucket = min(rate, self._bucket + (now - self._bucket_time) * rate)
        self._bucket_time = now
        if self._bucket >= 1:
            self._bucket -= 1
            return None
        return (1 - self._bucket) / rate

    def injected_error(self, path):
        """An ApiError to answer instead of the real one, or None. Rate limit first, then rates."""
        wait = self.rate_limited()
        if wait is not None:
            return throttled(wait)
        for status, rate in self.config["error_rates"].items():
            if status == "530" and not is_daas_path(path):
                continue  # a frozen site is DaaS's; tokens and platform services still answer
            if rate and self.rng.random() < rate:
                return error_for(int(status), path)
        return None

    def drop_before(self):
        return self._roll("drop_before_rate")

    def drop_after(self):
        return self._roll("drop_after_rate")

    def _roll(self, key):
        rate = self.config[key]
        return bool(rate) and self.rng.random() < rate


def throttled(wait_seconds):
    seconds = max(1, math.ceil(wait_seconds))
    return gateway_error(429, "rateLimitExceeded", f"Rate limit exceeded; try again in {seconds} seconds",
                         retry_delay=seconds)


def error_for(status, path):
    """Injected errors in the shape the real front door uses for each status."""
    if status == 429:
        return throttled(1)
    if status == 503:
        return gateway_error(503, "serviceUnavailable", "Service unavailable; try again in 1 seconds",
                             retry_delay=1)
    if status == 502:
        return gateway_error(502, "badGateway", "Bad gateway")
    if status == 504:
        return gateway_error(504, "gatewayTimeout", "Gateway timeout")
    if status == 530:
        # A frozen site, or one being restored: Citrix's client wakes it. The body is undocumented,
        # so the simulator sends none and a client can go by the status alone.
        return ApiError(530, None, reason="Site Frozen")
    if is_daas_path(path):
        return daas_error(500, "An unexpected error occurred.", "InternalServerError")
    return gateway_error(500, "internalServerError", "An unexpected error occurred.")
