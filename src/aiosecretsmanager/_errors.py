"""The exception tree of aiosecretsmanager, and the one function that maps AWS faults to it.

```
SecretsManagerError
 ├── InvalidParameterError      (also a ValueError; raised client-side for bad arguments too)
 ├── SecretNotFoundError        ResourceNotFoundException
 ├── InvalidRequestError        InvalidRequestException
 ├── InvalidNextTokenError      InvalidNextTokenException
 ├── AccessDeniedError          AccessDeniedException, UnrecognizedClientException, ...
 ├── ThrottlingError            ThrottlingException, TooManyRequestsException, HTTP 429
 ├── InternalServiceError       InternalServiceError, InternalFailure, any HTTP 5xx
 ├── TransportError             connection failures and timeouts
 ├── ResponseValidationError    the service answered with a body we cannot read
 ├── PaginationError            the service repeated a NextToken within one listing
 └── ConfigurationError         no credentials, no region, an unknown profile
```

No raw botocore ``ClientError`` or ``BotoCoreError`` escapes the public API: the
original exception is chained as ``__cause__``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import aiohttp
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    InvalidEndpointConfigurationError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ResponseStreamingError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from ._logging import redact

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "AccessDeniedError",
    "ConfigurationError",
    "InternalServiceError",
    "InvalidNextTokenError",
    "InvalidParameterError",
    "InvalidRequestError",
    "PaginationError",
    "ResponseValidationError",
    "SecretNotFoundError",
    "SecretsManagerError",
    "ThrottlingError",
    "TransportError",
    "map_botocore_error",
]


class SecretsManagerError(Exception):
    """Base class of every error this library raises.

    Attributes:
        message: What went wrong, from the service where it said so.
        code: The AWS error code (``ResourceNotFoundException``), or None.
        operation: ``DescribeSecret`` or ``ListSecrets``, or None before any call.
        request_id: The ``x-amzn-RequestId`` of the failed response, or None.
        http_status: The HTTP status of the failed response, or None.
        secret_id: The secret the call was about, or None.
        attempts: How many HTTP attempts were made, retries included, or None.
        resume_token: For a listing that failed, the NextToken to pass as
            ``starting_token`` to finish it; None means start from the beginning.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        operation: str | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        secret_id: str | None = None,
        attempts: int | None = None,
        resume_token: str | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.operation = operation
        self.request_id = request_id
        self.http_status = http_status
        self.secret_id = secret_id
        self.attempts = attempts
        self.resume_token = resume_token
        super().__init__(self._describe())

    def _describe(self) -> str:
        # No operation means nothing was sent (a bad argument): the message alone says it.
        head = self.operation or ""
        if self.secret_id is not None:
            head = f"{head} {self.secret_id!r}".lstrip()
        text = f"{self.code}: {self.message}" if self.code else self.message
        if head:
            text = f"{head}: {text}"
        details = []
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        if self.request_id:
            details.append(f"request id {self.request_id}")
        if self.attempts is not None and self.attempts > 1:
            details.append(f"{self.attempts} attempts")
        return f"{text} ({', '.join(details)})" if details else text


class InvalidParameterError(SecretsManagerError, ValueError):
    """An argument is invalid: raised before any request, or by the service."""


class SecretNotFoundError(SecretsManagerError):
    """The secret does not exist, or is not visible to these credentials."""


class InvalidRequestError(SecretsManagerError):
    """The service refused the request in the secret's current state."""


class InvalidNextTokenError(SecretsManagerError):
    """The service did not accept the NextToken (``starting_token``)."""


class AccessDeniedError(SecretsManagerError):
    """The credentials are not allowed to make this call, or were not recognised."""


class ThrottlingError(SecretsManagerError):
    """The service throttled the call, and retries did not get through."""


class InternalServiceError(SecretsManagerError):
    """The service failed (HTTP 5xx), and retries did not get through."""


class TransportError(SecretsManagerError):
    """The request did not complete: connection refused or reset, or a timeout."""


class ResponseValidationError(SecretsManagerError):
    """The service answered with a body that does not match the API's shape.

    Attributes:
        field: The path of the first bad field (``SecretList.3.ARN``), or None when
            the body is not JSON at all.
    """

    def __init__(self, message: str, *, field: str | None = None, **kwargs: Any) -> None:
        self.field = field
        super().__init__(message, **kwargs)


class PaginationError(SecretsManagerError):
    """The service sent a NextToken it had already sent in this listing."""


class ConfigurationError(SecretsManagerError):
    """The client cannot be used as configured: no credentials or region, an unknown profile."""


_CODE_TO_CLASS: Mapping[str, type[SecretsManagerError]] = {
    "ResourceNotFoundException": SecretNotFoundError,
    "InvalidParameterException": InvalidParameterError,
    "ValidationException": InvalidParameterError,
    "InvalidRequestException": InvalidRequestError,
    "InvalidNextTokenException": InvalidNextTokenError,
    "AccessDeniedException": AccessDeniedError,
    "AccessDenied": AccessDeniedError,
    "UnrecognizedClientException": AccessDeniedError,
    "InvalidSignatureException": AccessDeniedError,
    "IncompleteSignature": AccessDeniedError,
    "ExpiredTokenException": AccessDeniedError,
    "InvalidClientTokenId": AccessDeniedError,
    "ThrottlingException": ThrottlingError,
    "Throttling": ThrottlingError,
    "TooManyRequestsException": ThrottlingError,
    "RequestLimitExceeded": ThrottlingError,
    "InternalServiceError": InternalServiceError,
    "InternalFailure": InternalServiceError,
    "ServiceUnavailable": InternalServiceError,
    "ServiceUnavailableException": InternalServiceError,
}


def _class_for(code: str | None, http_status: int | None) -> type[SecretsManagerError]:
    if code is not None and code in _CODE_TO_CLASS:
        return _CODE_TO_CLASS[code]
    if http_status == 429:
        return ThrottlingError
    if http_status is not None and 500 <= http_status <= 599:
        return InternalServiceError
    return SecretsManagerError


def _client_error_fields(error: ClientError) -> dict[str, Any]:
    response: Mapping[str, Any] = error.response or {}
    body = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    status = meta.get("HTTPStatusCode")
    # botocore's generic parse of a non-JSON error (an HTML 502 from a proxy) skips
    # RequestId, but the header is still there.
    headers = meta.get("HTTPHeaders") or {}
    request_id = meta.get("RequestId") or headers.get("x-amzn-requestid")
    retries = meta.get("RetryAttempts")
    code = body.get("Code")
    # With no __type in the body, botocore uses the HTTP status as the code: that is
    # no AWS error code, and http_status carries it already.
    if not isinstance(code, str) or not code or code.isdigit():
        code = None
    message = body.get("Message")
    if not isinstance(message, str) or not message.strip():
        # botocore's own text would end in a dangling ": " here.
        message = "the service sent no error message"
    return {
        "code": code,
        "message": message,
        "request_id": request_id or None,
        "http_status": status if isinstance(status, int) else None,
        "attempts": retries + 1 if isinstance(retries, int) else None,
    }


def map_botocore_error(
    error: BaseException,
    *,
    operation: str | None,
    secret_id: str | None = None,
    resume_token: str | None = None,
    attempts: int | None = None,
) -> SecretsManagerError:
    """Turn a botocore exception into the matching SecretsManagerError.

    This is the only place that decides which class an AWS fault becomes. The
    caller raises the result ``from error`` so the original stays as ``__cause__``.

    Args:
        error: What the aiobotocore call raised: a botocore ``ClientError`` or
            ``BotoCoreError``, an aiohttp or OS error, or whatever botocore's parser
            raised on a malformed body.
        operation: The AWS operation name.
        secret_id: The secret the call was about, if any.
        resume_token: For ListSecrets, the NextToken of the page that failed.
        attempts: How many HTTP attempts the caller counted, for errors that
            carry no response of their own (resets, timeouts).

    Returns:
        The typed error, not yet raised.
    """
    where: dict[str, Any] = {
        "operation": operation,
        "secret_id": secret_id,
        "resume_token": resume_token,
    }
    if isinstance(error, ClientError):
        fields = _client_error_fields(error)
        if fields["attempts"] is None:
            fields["attempts"] = attempts
        cls = _class_for(fields["code"], fields["http_status"])
        # AWS signature errors echo the canonical request, session token included.
        message = redact(fields.pop("message"))
        _redact_cause(error)
        return cls(message, **fields, **where)
    where["attempts"] = attempts
    if isinstance(error, ParamValidationError):
        return InvalidParameterError(str(error), **where)
    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        return ConfigurationError(
            f"{error}; set credentials (environment, profile or session)", **where
        )
    if isinstance(error, NoRegionError):
        return ConfigurationError(f"{error}; pass region_name or set AWS_REGION", **where)
    if isinstance(error, (ProfileNotFound, InvalidEndpointConfigurationError)):
        return ConfigurationError(str(error), **where)
    if isinstance(error, (HTTPClientError, BotoConnectionError, ResponseStreamingError)):
        return TransportError(str(error), **where)
    if isinstance(error, BotoCoreError):
        return SecretsManagerError(str(error), **where)
    if isinstance(error, (aiohttp.ClientError, OSError, asyncio.TimeoutError)):
        # What escaped botocore's own wrapping is still the network failing.
        return TransportError(f"{type(error).__name__}: {error}", **where)
    # Anything else came out of botocore's parser choking on a body of the wrong shape.
    # Our before-parse hook makes the error bodies we know of readable to it (a JSON
    # list, a non-string __type): this is for whatever shape comes next.
    return ResponseValidationError(
        f"the service's answer could not be read ({type(error).__name__}: {error})", **where
    )


def _redact_cause(error: ClientError) -> None:
    # The ClientError stays chained as __cause__, and a traceback prints it: scrub
    # the same credentials from its text as from ours.
    body = (error.response or {}).get("Error")
    if isinstance(body, dict) and isinstance(body.get("Message"), str):
        body["Message"] = redact(body["Message"])
    error.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in error.args)
