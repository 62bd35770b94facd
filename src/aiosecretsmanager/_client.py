"""The async client: lifecycle, ``describe()``, ``iter_secrets()`` and ``iter_pages()``."""

from __future__ import annotations

import json
import logging
import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from ._errors import (
    InvalidParameterError,
    ResponseValidationError,
    map_botocore_error,
)
from ._models import SecretDescription, SecretListPage
from ._paging import PageIterator, SecretIterator
from ._validation import check_list_params, check_secret_id

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence
    from types import TracebackType

    from pydantic import BaseModel
    from types_aiobotocore_secretsmanager import SecretsManagerClient
    from typing_extensions import Self

    from ._models import Filter, SecretListEntry
    from ._validation import SortBy, SortOrder

    _M = TypeVar("_M", bound=BaseModel)
else:
    _M = TypeVar("_M")

__all__ = ["DEFAULT_CONFIG", "SecretsManager"]

logger = logging.getLogger("aiosecretsmanager")

DEFAULT_CONFIG = AioConfig(
    retries={"mode": "standard", "total_max_attempts": 5},
    connect_timeout=5,
    read_timeout=30,
    user_agent_extra="aiosecretsmanager",
)
"""Our defaults; a user's ``config`` is merged over them, option by option."""

_SERVICE_ID = "secrets-manager"
_OPERATIONS = ("DescribeSecret", "ListSecrets")
_BODY_KEY = "_aiosecretsmanager_body"
_HOOK_ID = "aiosecretsmanager-capture-body"

# Set only while this library awaits one of its own calls, so the hook below never
# touches a call a user makes on a client they handed to from_client().
_capturing: ContextVar[bool] = ContextVar("aiosecretsmanager_capturing", default=False)

# One counter per call of ours, bumped once per HTTP attempt, so errors that carry
# no response (resets, timeouts) still report how many attempts were made.
_attempts: ContextVar[list[int] | None] = ContextVar("aiosecretsmanager_attempts", default=None)

# A 429 without an AWS error code (a load balancer's, say) would not be retried by
# botocore's standard mode, which retries throttling by code; this names it.
_BARE_429_BODY = b'{"__type": "TooManyRequestsException", "message": "HTTP 429 Too Many Requests"}'


def _capture_body(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """Keep the raw success body for our models and spare botocore's parse of it.

    botocore's parser drops fields its model does not know and builds tzlocal
    datetimes; validating the raw bytes keeps every field and reads timestamps as
    UTC. Error bodies are left alone: retries and error codes stay botocore's.
    """
    if not _capturing.get():
        return
    status = response_dict.get("status_code", 500)
    if status == 429:
        _name_bare_429(response_dict)
    if status >= 300:
        return
    body = response_dict.get("body")
    if isinstance(body, (bytes, bytearray)):
        customized_response_dict[_BODY_KEY] = bytes(body)
        response_dict["body"] = b""


def _name_bare_429(response_dict: dict[str, Any]) -> None:
    body = response_dict.get("body")
    try:
        parsed = json.loads(body) if isinstance(body, (bytes, bytearray)) and body else None
    except ValueError:
        parsed = None
    if not (isinstance(parsed, dict) and parsed.get("__type")):
        response_dict["body"] = _BARE_429_BODY


def _count_attempt(**_: Any) -> None:
    counter = _attempts.get()
    if counter is not None:
        counter[0] += 1


def _install_hooks(client: Any) -> None:
    for operation in _OPERATIONS:
        client.meta.events.register(
            f"before-send.{_SERVICE_ID}.{operation}",
            _count_attempt,
            unique_id=f"{_HOOK_ID}-attempts-{operation}",
        )
        client.meta.events.register(
            f"before-parse.{_SERVICE_ID}.{operation}",
            _capture_body,
            unique_id=f"{_HOOK_ID}-{operation}",
        )


def _check_optional_str(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidParameterError(f"{name} must be a non-empty str or None")


def _field_path(error: ValidationError) -> str | None:
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or None


class SecretsManager:
    """An async client for the Secrets Manager inventory calls.

    Use it as ``async with SecretsManager(region_name="eu-west-1") as sm:``; leaving
    the block closes the HTTP session. Credentials come from the usual AWS chain,
    a named profile, or the ``session`` you pass.

    Args:
        region_name: The AWS region; None uses the session's or environment's.
        endpoint_url: Another endpoint, such as a moto server; None for AWS.
        profile_name: A profile from the AWS config files. Not with ``session``.
        session: An aiobotocore ``AioSession`` to create the client from.
        config: An aiobotocore ``AioConfig``, merged over ``DEFAULT_CONFIG``.

    Raises:
        InvalidParameterError: An argument has the wrong type, or both
            ``profile_name`` and ``session`` were given.
    """

    def __init__(
        self,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        profile_name: str | None = None,
        session: AioSession | None = None,
        config: Config | None = None,
    ) -> None:
        _check_optional_str("region_name", region_name)
        _check_optional_str("endpoint_url", endpoint_url)
        _check_optional_str("profile_name", profile_name)
        if session is not None and not isinstance(session, AioSession):
            raise InvalidParameterError(
                f"session must be an aiobotocore AioSession, not {type(session).__name__}"
            )
        if session is not None and profile_name is not None:
            raise InvalidParameterError(
                "pass profile_name or session, not both: a session carries its own profile"
            )
        if config is not None and not isinstance(config, Config):
            raise InvalidParameterError(
                f"config must be an aiobotocore AioConfig, not {type(config).__name__}"
            )
        self._region_name = region_name
        self._endpoint_url = endpoint_url
        self._profile_name = profile_name
        self._session = session
        # AioConfig.merge takes any botocore Config: it reads only the user-set options.
        self._config = (
            DEFAULT_CONFIG if config is None else DEFAULT_CONFIG.merge(config)  # type: ignore[arg-type]
        )
        self._owns_client = True
        self._client: SecretsManagerClient | None = None
        self._client_context: Any = None

    @classmethod
    def from_client(cls, client: SecretsManagerClient) -> Self:
        """Wrap an aiobotocore secretsmanager client that is already open.

        The caller keeps ownership: leaving ``async with`` or ``close()`` does not
        close it, and it parses its own calls exactly as before.

        Raises:
            InvalidParameterError: ``client`` is not a secretsmanager client.
        """
        meta = getattr(client, "meta", None)
        service = getattr(getattr(meta, "service_model", None), "service_name", None)
        if service != "secretsmanager":
            raise InvalidParameterError(
                "from_client needs an aiobotocore secretsmanager client, "
                f"not {type(client).__name__}"
            )
        self = cls()
        self._owns_client = False
        self._client = client
        _install_hooks(client)
        return self

    @property
    def client(self) -> SecretsManagerClient:
        """The underlying aiobotocore client, for calls this library does not wrap.

        Raises:
            RuntimeError: The client is not open.
        """
        if self._client is None:
            raise RuntimeError("the client is not open: use 'async with SecretsManager(...) as sm'")
        return self._client

    async def __aenter__(self) -> Self:
        if self._client is not None:
            if self._owns_client:
                raise RuntimeError("this SecretsManager is already open")
            return self
        session = self._session or AioSession(profile=self._profile_name)
        try:
            context = session.create_client(
                "secretsmanager",
                region_name=self._region_name,
                endpoint_url=self._endpoint_url,
                config=self._config,
            )
            client = await context.__aenter__()
        except (BotoCoreError, ValueError) as error:
            raise map_botocore_error(error, operation=None) from error
        self._client_context = context
        self._client = client
        _install_hooks(client)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session if this object opened it; a wrapped client stays open."""
        if not self._owns_client:
            return
        context, self._client_context, self._client = self._client_context, None, None
        if context is not None:
            await context.__aexit__(None, None, None)

    async def describe(self, secret_id: str) -> SecretDescription:
        """Describe one secret: metadata, tags, rotation and versions, never its value.

        Needs the ``secretsmanager:DescribeSecret`` permission.

        Args:
            secret_id: The secret's name, full ARN or partial ARN (1..2048 characters).

        Returns:
            The secret's description.

        Raises:
            InvalidParameterError: ``secret_id`` is not a str of 1..2048 characters;
                nothing is sent.
            SecretNotFoundError: There is no such secret.
            SecretsManagerError: Any other fault, typed by its code.
        """
        secret_id = check_secret_id(secret_id)
        return await self._call(
            SecretDescription, "DescribeSecret", {"SecretId": secret_id}, secret_id=secret_id
        )

    def iter_pages(
        self,
        *,
        filters: Sequence[Filter] | None = None,
        include_planned_deletion: bool = False,
        sort_order: SortOrder | None = None,
        sort_by: SortBy | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncIterator[SecretListPage]:
        """List secrets page by page, following NextToken to the end.

        Needs the ``secretsmanager:ListSecrets`` permission. Arguments are checked
        here, at the call, before any request. Each page's ``next_token`` is the
        raw service token: pass it as ``starting_token`` to resume after that page.

        Args:
            filters: Up to 10 filters; an entry must match all of them.
            include_planned_deletion: Also list secrets scheduled for deletion.
            sort_order: ``"asc"`` or ``"desc"``.
            sort_by: ``"created-date"``, ``"last-accessed-date"``,
                ``"last-changed-date"`` or ``"name"``.
            page_size: MaxResults per request, 1..100; None leaves it to the service.
            max_items: Stop after this many entries, fetching no page beyond them.
            starting_token: A ``next_token`` from an earlier listing, to resume it.

        Returns:
            An async iterator of pages; a page may be empty mid-listing.

        Raises:
            InvalidParameterError: A bad argument, raised at the call.
            PaginationError: The service repeated a NextToken (raised while iterating).
            SecretsManagerError: Any fault while iterating, with ``resume_token``.
        """
        params = check_list_params(
            filters=filters,
            include_planned_deletion=include_planned_deletion,
            sort_order=sort_order,
            sort_by=sort_by,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return PageIterator(self._fetch_page, params)

    def iter_secrets(
        self,
        *,
        filters: Sequence[Filter] | None = None,
        include_planned_deletion: bool = False,
        sort_order: SortOrder | None = None,
        sort_by: SortBy | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> AsyncIterator[SecretListEntry]:
        """List secrets one entry at a time; paging is hidden.

        Needs the ``secretsmanager:ListSecrets`` permission. Takes the same
        arguments as ``iter_pages``, checked here, at the call. The listing never
        ends early without an error: a fault mid-listing raises a typed error whose
        ``resume_token`` finishes the listing when passed as ``starting_token``.

        Returns:
            An async iterator of entries, at most ``max_items`` of them.

        Raises:
            InvalidParameterError: A bad argument, raised at the call.
            PaginationError: The service repeated a NextToken (raised while iterating).
            SecretsManagerError: Any fault while iterating, with ``resume_token``.
        """
        params = check_list_params(
            filters=filters,
            include_planned_deletion=include_planned_deletion,
            sort_order=sort_order,
            sort_by=sort_by,
            page_size=page_size,
            max_items=max_items,
            starting_token=starting_token,
        )
        return SecretIterator(PageIterator(self._fetch_page, params), params.max_items)

    async def _fetch_page(self, request: Mapping[str, Any], token: str | None) -> SecretListPage:
        return await self._call(SecretListPage, "ListSecrets", request, resume_token=token)

    async def _call(
        self,
        model: type[_M],
        operation: str,
        request: Mapping[str, Any],
        *,
        secret_id: str | None = None,
        resume_token: str | None = None,
    ) -> _M:
        client = self.client
        method = client.describe_secret if operation == "DescribeSecret" else client.list_secrets
        started = time.perf_counter()
        capturing = _capturing.set(True)
        attempts = [0]
        counting = _attempts.set(attempts)
        try:
            response: dict[str, Any] = dict(await method(**request))
        except (ClientError, BotoCoreError, aiohttp.ClientError, OSError) as error:
            mapped = map_botocore_error(
                error,
                operation=operation,
                secret_id=secret_id,
                resume_token=resume_token,
                attempts=attempts[0] or None,
            )
            logger.debug(
                "%s failed: %s (request id %s, %s attempt(s), %.1f ms)",
                operation,
                mapped.code or type(mapped).__name__,
                mapped.request_id,
                mapped.attempts,
                (time.perf_counter() - started) * 1000,
            )
            raise mapped from error
        finally:
            _attempts.reset(counting)
            _capturing.reset(capturing)
        meta = response.pop("ResponseMetadata", None) or {}
        request_id = meta.get("RequestId")
        body = response.pop(_BODY_KEY, None)
        try:
            # Without the raw body (a client whose events never fired) botocore's
            # parsed dict is the fallback: the same models, minus unknown fields.
            result = (
                model.model_validate_json(body)
                if body is not None
                else model.model_validate(response)
            )
        except ValidationError as error:
            field = _field_path(error)
            raise ResponseValidationError(
                f"the response body does not match the API at {field or 'the top level'}: "
                f"{error.errors()[0]['msg']}",
                field=field,
                operation=operation,
                secret_id=secret_id,
                request_id=request_id,
                resume_token=resume_token,
                attempts=attempts[0] or None,
            ) from error
        logger.debug(
            "%s ok: request id %s, %s attempt(s), %s item(s), %.1f ms",
            operation,
            request_id,
            attempts[0] or None,
            len(result.secrets) if isinstance(result, SecretListPage) else 1,
            (time.perf_counter() - started) * 1000,
        )
        return result
