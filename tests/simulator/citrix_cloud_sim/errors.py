"""Error responses in the two shapes Citrix uses.

DaaS (``/cvad/manage``) answers with ErrorData; the Citrix Cloud API gateway and the platform
services answer with ``{type, detail, parameters}``. Handlers raise ApiError anywhere and the
server turns it into a response, so no handler has to build error bodies by hand.
"""

GATEWAY_ERROR_BASE = "https://errors-api.cloud.com/common/"


class ApiError(Exception):
    """An HTTP error response: status, JSON body and optional extra headers."""

    def __init__(self, status, body, headers=None, reason=None):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.reason = reason


def daas_error(status, message, sdk_error_id, error_type=None, details=None):
    """ErrorData as DaaS returns it. Optional fields are left out rather than null: the schema
    declares them as non-nullable strings."""
    body = {"ErrorMessage": message, "SdkErrorId": sdk_error_id, "ErrorType": error_type or sdk_error_id}
    if details:
        body["ErrorDetails"] = details
    return ApiError(status, body)


def gateway_error(status, kind, detail, retry_delay=None):
    """The Citrix Cloud gateway / platform shape, e.g. 429 rateLimitExceeded with retryDelay."""
    parameters = []
    if retry_delay is not None:
        parameters.append({"name": "retryDelay", "value": str(retry_delay)})
    return ApiError(status, {"type": GATEWAY_ERROR_BASE + kind, "detail": detail, "parameters": parameters})


def not_found_daas(what):
    return daas_error(404, f"{what} not found.", "ObjectNotFound", details="Object does not exist.")


def bad_request_daas(message):
    return daas_error(400, message, "InvalidArgument")
