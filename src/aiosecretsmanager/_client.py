"""The async client: lifecycle, ``describe()``, ``iter_secrets()`` and ``iter_pages()``."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from aiobotocore.client import AioBaseClient
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.exceptions import BotoCoreError
from pydantic import ValidationError

from ._errors import (
    ConfigurationError,
    InvalidParameterError,
    ResponseValidationError,
    SecretsManagerError,
    map_botocore_error,
)
from ._models import SecretDescription, SecretListPage
from ._paging import (
    ListingIterator,
    PageIterator,
    ReadAheadPages,
    SecretIterator,
    notify_request_sent,
)
from ._parsing import body_misfit, botocore_parser_factory, validate_page
from ._validation import (
    check_concurrency,
    check_list_params,
    check_read_ahead,
    check_secret_id,
    check_secret_ids,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence
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

_DEFAULT_OPTIONS: dict[str, Any] = {
    "retries": {"mode": "standard", "total_max_attempts": 5},
    "connect_timeout": 5,
    "read_timeout": 30,
    "user_agent_extra": "aiosecretsmanager",
    # aiobotocore's default of 10 connections would silently cap describe_many's
    # default concurrency of 32, with room left for a listing alongside.
    "max_pool_connections": 64,
}
DEFAULT_CONFIG = AioConfig(**_DEFAULT_OPTIONS)
"""Our defaults; a user's ``config`` is merged over them, option by option.

The retry default steps aside when ``AWS_MAX_ATTEMPTS``, ``AWS_RETRY_MODE`` or the
profile's ``max_attempts``/``retry_mode`` is set, so those keep working.
"""

_RETRY_VARS = ("max_attempts", "retry_mode")
_SERVICE_ID = "secrets-manager"
_OPERATIONS = ("DescribeSecret", "ListSecrets")
_BODY_KEY = "_aiosecretsmanager_body"
# On the botocore path, the success body as received, kept beside botocore's parse:
# botocore drops members its model does not know, such as an error's ``__type``.
_RAW_KEY = "_aiosecretsmanager_raw_body"
_HOOK_ID = "aiosecretsmanager-capture-body"

# Set only while this library awaits one of its own calls, so the hooks below never
# touch a call a user makes on a client they handed to from_client(). The value is
# whether that call parses the wire body itself; None means not our call.
_our_call: ContextVar[bool | None] = ContextVar("aiosecretsmanager_our_call", default=None)

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
    UTC. With ``wire_parsing=False`` botocore parses as usual and the bytes are only
    kept beside, for the members it drops (``__type``). Error bodies stay
    botocore's to parse (retries and error codes are its), once they are in a
    shape its parser can read.
    """
    wire_parsing = _our_call.get()
    if wire_parsing is None:
        return
    status = response_dict.get("status_code", 500)
    if status >= 300:
        _make_error_body_readable(response_dict)
        if status == 429:
            _name_bare_429(response_dict)
        return
    body = response_dict.get("body")
    if not isinstance(body, (bytes, bytearray)):
        return
    if wire_parsing:
        customized_response_dict[_BODY_KEY] = bytes(body)
        response_dict["body"] = b""
    else:
        customized_response_dict[_RAW_KEY] = bytes(body)


def _request_sent(**_: Any) -> None:
    notify_request_sent()


_JSON_KINDS = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    return _JSON_KINDS.get(type(value), "a number")


def _make_error_body_readable(response_dict: dict[str, Any]) -> None:
    """Give botocore's JSON error parser a body it can read, saying what was wrong.

    botocore reads an error body as a UTF-8 JSON object whose ``__type`` and
    ``message`` are strings; anything else (a JSON array, an integer ``__type``,
    bytes that are not UTF-8) makes its parser raise, and the status and request id
    are lost with it. Such a body is replaced by one botocore reads, with the same
    ``__type`` and message where they were strings, so the error is typed by its
    code or HTTP status as usual. Text that is not JSON is left to botocore, which
    keeps it as the message.
    """
    body = response_dict.get("body")
    if not isinstance(body, (bytes, bytearray)) or not body.strip():
        return
    try:
        parsed = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        parsed, problems = {}, ["the error body is not UTF-8 text"]
    except ValueError:
        return
    else:
        problems = []
    if not isinstance(parsed, dict):
        problems.append(f"the error body is {_json_kind(parsed)}, not an object")
        parsed = {}
    code = parsed.get("__type")
    message = parsed.get("message", parsed.get("Message"))
    for name, value in (("__type", code), ("message", message)):
        if value is not None and not isinstance(value, str):
            problems.append(f"the error body's {name} is {_json_kind(value)}, not a string")
    if not problems:
        return
    readable: dict[str, str] = {"message": "; ".join(problems)}
    if isinstance(message, str) and message.strip():
        readable["message"] = f"{message}; {readable['message']}"
    if isinstance(code, str):
        readable["__type"] = code
    response_dict["body"] = json.dumps(readable).encode()


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
    # Read-ahead listens for its request leaving; a no-op outside its task.
    client.meta.events.register(
        f"before-send.{_SERVICE_ID}.ListSecrets",
        _request_sent,
        unique_id=f"{_HOOK_ID}-sent",
    )


def _effective_config(session: AioSession, user: Config | None) -> AioConfig:
    """Our defaults with the user's ``config`` merged over them.

    A client config beats ``AWS_MAX_ATTEMPTS``, ``AWS_RETRY_MODE`` and the profile's
    ``max_attempts``/``retry_mode`` in botocore, so our retry default would silently
    override them: it is left out when any of those is set.
    """
    options = dict(_DEFAULT_OPTIONS)
    # get_config_variable() cannot tell a set value from botocore's own default.
    scoped = session.get_scoped_config()
    if any(os.environ.get(f"AWS_{name.upper()}") or scoped.get(name) for name in _RETRY_VARS):
        del options["retries"]
    defaults = AioConfig(**options)
    # AioConfig.merge reads only the options a config was given, so any botocore
    # Config works here, not just an AioConfig.
    return defaults if user is None else defaults.merge(user)  # type: ignore[arg-type]


# The user:password@ of a URL: after "//", up to the last "@" before the path.
_USERINFO = re.compile(r"//[^/?#\s'\"]*@")


def _without_userinfo(text: str) -> str:
    """``text`` with the ``user:password@`` of any URL in it masked, for error messages."""
    return _USERINFO.sub("//***@", text)


def _endpoint_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as an endpoint, or None; the answer never quotes it."""
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number or too big
        return "must be an http:// or https:// URL with a host and a valid port"
    # Credentials in the URL would be sent nowhere useful (AWS signs requests) and
    # would be echoed by every connection error: refuse them up front.
    if "@" in parts.netloc:
        return "must not carry a user name or password (user:password@)"
    # urlsplit strips some white space and keeps the rest; botocore refuses it later.
    if any(char.isspace() or not char.isprintable() for char in url):
        return "must not contain white space or control characters"
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        return "must be an http:// or https:// URL with a host and a valid port"
    return None


def _shown_url(url: str) -> str:
    # Whatever precedes an "@" may be a password, however the URL is mangled.
    return repr(url) if "@" not in url else "a URL with '@' in it (not shown)"


def _check_endpoint_url(url: str) -> None:
    problem = _endpoint_url_problem(url)
    if problem is not None:
        raise InvalidParameterError(f"endpoint_url {problem}, got {_shown_url(url)}")


# A region is one DNS label: botocore's own check, but matched whole, so a trailing
# newline or a space does not slip through into the request signature.
_REGION = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _check_region_name(region_name: str) -> None:
    if not _REGION.fullmatch(region_name):
        raise InvalidParameterError(
            f"region_name must look like an AWS region (lower-case letters, digits and "
            f"hyphens, such as 'eu-west-1'), got {region_name!r}"
        )


def _check_optional_str(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidParameterError(f"{name} must be a non-empty str or None")


def _field_path(error: ValidationError) -> str | None:
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or None


def _members(result: BaseModel, raw: bytes | None) -> Collection[str]:
    """The body's top-level member names where they could make it no answer, else ()."""
    extra = result.model_extra
    if raw is None:
        # The wire path kept every member: unknown ones in model_extra. Only a page
        # needs its known ones too (a description is judged on ``__type`` alone).
        if not extra or not isinstance(result, SecretListPage):
            return extra or ()
        # model_fields_set names the extra members too; map the fields to wire names.
        fields = SecretListPage.model_fields
        known = (fields[name].alias or name for name in result.model_fields_set if name in fields)
        return {*extra, *known}
    # botocore's parse dropped unknown members, and reads bytes that are no JSON
    # object at all (empty, HTML, cut off) as an empty page. So where the body may
    # hold ``__type`` or parsed as a page with nothing in it, judge the raw bytes as
    # the wire path does; a ValidationError here is the caller's to report.
    empty_page = isinstance(result, SecretListPage) and not result.model_fields_set
    if not empty_page and b'"__type"' not in raw:
        return ()
    return _members(type(result).model_validate_json(raw), None)


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
        wire_parsing: True (the default) validates success bodies straight from
            the wire bytes into models. False uses botocore's parser, with a fast
            UTC timestamp parser on a session this object creates (a ``session``
            you pass is left as it is), then validates botocore's dict; fields
            botocore's model does not know are then dropped.

    Raises:
        InvalidParameterError: An argument has the wrong type; ``region_name`` is
            not a region name; ``endpoint_url`` is not an http(s) URL with a host
            and a valid port, or carries ``user:password@``; or both
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
        wire_parsing: bool = True,
    ) -> None:
        _check_optional_str("region_name", region_name)
        if region_name is not None:
            _check_region_name(region_name)
        _check_optional_str("endpoint_url", endpoint_url)
        if endpoint_url is not None:
            _check_endpoint_url(endpoint_url)
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
        if not isinstance(wire_parsing, bool):
            raise InvalidParameterError(
                f"wire_parsing must be a bool, not {type(wire_parsing).__name__}"
            )
        self._wire_parsing = wire_parsing
        self._region_name = region_name
        self._endpoint_url = endpoint_url
        self._profile_name = profile_name
        self._session = session
        # AioConfig.merge takes any botocore Config: it reads only the user-set options.
        self._config = config
        self._owns_client = True
        self._client: SecretsManagerClient | None = None
        self._client_context: Any = None

    @classmethod
    def from_client(cls, client: SecretsManagerClient, *, wire_parsing: bool = True) -> Self:
        """Wrap an aiobotocore secretsmanager client that is already open.

        The caller keeps ownership: leaving ``async with`` or ``close()`` does not
        close it, and it parses its own calls exactly as before: our hooks act only
        on calls this library makes. With ``wire_parsing=False`` our calls use the
        client's own parser too.

        Raises:
            InvalidParameterError: ``client`` is not a secretsmanager client.
        """
        # A sync boto3 client has the same meta, but its calls cannot be awaited.
        candidate: object = client
        meta = getattr(candidate, "meta", None)
        service = getattr(getattr(meta, "service_model", None), "service_name", None)
        if not isinstance(candidate, AioBaseClient) or service != "secretsmanager":
            raise InvalidParameterError(
                "from_client needs an aiobotocore secretsmanager client, "
                f"not {type(client).__module__}.{type(client).__qualname__}"
            )
        self = cls(wire_parsing=wire_parsing)
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
        if self._session is None and not self._wire_parsing:
            # Our own session only: a caller's session keeps the parsers it has.
            session.register_component("response_parser_factory", botocore_parser_factory())
        try:
            context = session.create_client(
                "secretsmanager",
                region_name=self._region_name,
                endpoint_url=self._endpoint_url,
                config=_effective_config(session, self._config),
            )
            client = await context.__aenter__()
        except (BotoCoreError, ValueError) as error:
            # Nothing was sent yet: whatever botocore rejects here is our caller's setup.
            # It may quote an endpoint from AWS_ENDPOINT_URL or a profile, password and all,
            # here and in the chained original that a traceback prints.
            text = _without_userinfo(str(error))
            error.args = tuple(
                _without_userinfo(arg) if isinstance(arg, str) else arg for arg in error.args
            )
            raise ConfigurationError(f"cannot create the client: {text}") from error
        # An endpoint from AWS_ENDPOINT_URL or a profile bypassed our constructor check.
        problem = _endpoint_url_problem(client.meta.endpoint_url)
        if problem is not None:
            await context.__aexit__(None, None, None)
            raise ConfigurationError(
                f"the configured endpoint URL (AWS_ENDPOINT_URL or the profile's "
                f"endpoint_url) {problem}, got {_shown_url(client.meta.endpoint_url)}"
            )
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
        read_ahead: int = 0,
    ) -> ListingIterator[SecretListPage]:
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
            read_ahead: Fetch up to this many pages (0..100) ahead while the
                consumer works on the current one; 0, the default, fetches a page
                only when asked. Never more than this many pages are buffered,
                and ``max_items`` never causes an extra fetch.

        Returns:
            An async iterator of pages with ``aclose()``; a page may be empty
            mid-listing.

        Raises:
            InvalidParameterError: A bad argument, raised at the call.
            PaginationError: The service repeated a NextToken (raised while iterating).
            SecretsManagerError: Any fault while iterating, with ``resume_token``.
            RuntimeError: ``anext()`` while another call on the same iterator is
                still waiting (one listing has one consumer at a time).
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
        ahead = check_read_ahead(read_ahead)
        pages = PageIterator(self._fetch_page, params)
        return ReadAheadPages(pages, ahead) if ahead else pages

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
        read_ahead: int = 0,
    ) -> ListingIterator[SecretListEntry]:
        """List secrets one entry at a time; paging is hidden.

        Needs the ``secretsmanager:ListSecrets`` permission. Takes the same
        arguments as ``iter_pages`` (``read_ahead`` included), checked here, at the
        call. The listing never
        ends early without an error: a fault mid-listing raises a typed error whose
        ``resume_token`` finishes the listing when passed as ``starting_token``.

        Returns:
            An async iterator of entries with ``aclose()``, at most ``max_items``
            of them.

        Raises:
            InvalidParameterError: A bad argument, raised at the call.
            PaginationError: The service repeated a NextToken (raised while iterating).
            SecretsManagerError: Any fault while iterating, with ``resume_token``.
            RuntimeError: ``anext()`` while another call on the same iterator is
                still waiting (one listing has one consumer at a time).
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
        ahead = check_read_ahead(read_ahead)
        pages = PageIterator(self._fetch_page, params)
        return SecretIterator(ReadAheadPages(pages, ahead) if ahead else pages, params.max_items)

    async def describe_many(
        self, secret_ids: Sequence[str], *, concurrency: int = 32
    ) -> list[SecretDescription | SecretsManagerError]:
        """Describe many secrets, at most ``concurrency`` requests in flight at once.

        Needs the ``secretsmanager:DescribeSecret`` permission. Like
        ``asyncio.gather(..., return_exceptions=True)``, but typed: a missing or
        failed secret gives its ``SecretsManagerError`` in its slot and the batch
        goes on. Each call is retried (throttling included) like ``describe()``.
        The client's connection pool bounds the real concurrency: ours holds 64
        connections (``DEFAULT_CONFIG``); raise ``max_pool_connections`` in
        ``config`` (or on a client given to ``from_client``) for more.

        Args:
            secret_ids: Names, full ARNs or partial ARNs; duplicates are described
                once per occurrence.
            concurrency: Requests in flight at once, 1..1000.

        Returns:
            One result per id, in input order: a ``SecretDescription`` or the
            typed error for that id.

        Raises:
            InvalidParameterError: ``secret_ids`` is not a sequence of valid ids,
                or ``concurrency`` is out of range; nothing is sent.
        """
        ids = check_secret_ids(secret_ids)
        limit = check_concurrency(concurrency)
        self.client  # noqa: B018 - fail at once, not once per id, on a closed client
        gate = asyncio.Semaphore(limit)

        async def one(secret_id: str) -> SecretDescription | SecretsManagerError:
            async with gate:
                try:
                    return await self.describe(secret_id)
                except SecretsManagerError as error:
                    return error

        return list(await asyncio.gather(*(one(secret_id) for secret_id in ids)))

    async def _fetch_page(
        self, request: Mapping[str, Any], token: str | None, number: int
    ) -> SecretListPage:
        return await self._call(
            SecretListPage, "ListSecrets", request, resume_token=token, page=number
        )

    async def _call(
        self,
        model: type[_M],
        operation: str,
        request: Mapping[str, Any],
        *,
        secret_id: str | None = None,
        resume_token: str | None = None,
        page: int | None = None,
    ) -> _M:
        client = self.client
        method = client.describe_secret if operation == "DescribeSecret" else client.list_secrets
        started = time.perf_counter()
        # "ListSecrets page 3": which page of its listing a line is about.
        what = operation if page is None else f"{operation} page {page}"
        ours = _our_call.set(self._wire_parsing)
        attempts = [0]
        counting = _attempts.set(attempts)
        try:
            response: dict[str, Any] = dict(await method(**request))
        except Exception as error:  # every failure of the call is mapped, never leaked
            mapped = map_botocore_error(
                error,
                operation=operation,
                secret_id=secret_id,
                resume_token=resume_token,
                attempts=attempts[0] or None,
            )
            logger.debug(
                "%s failed: %s (request id %s, %s attempt(s), %.1f ms)",
                what,
                mapped.code or type(mapped).__name__,
                mapped.request_id,
                mapped.attempts,
                (time.perf_counter() - started) * 1000,
            )
            raise mapped from error
        finally:
            _attempts.reset(counting)
            _our_call.reset(ours)
        meta = response.pop("ResponseMetadata", None) or {}
        request_id = meta.get("RequestId")
        body = response.pop(_BODY_KEY, None)
        raw = response.pop(_RAW_KEY, None)
        cause: ValidationError | None = None
        misfit: tuple[str | None, str] | None
        try:
            # Without the raw body (a client whose events never fired) botocore's
            # parsed dict is the fallback: the same models, minus unknown fields.
            if body is None:
                result = model.model_validate(response)
            elif model is SecretListPage:
                result = await validate_page(body)  # type: ignore[assignment]
            else:
                result = model.model_validate_json(body)
            misfit = body_misfit(_members(result, raw), page=model is SecretListPage)
        except ValidationError as error:
            cause, misfit = error, (_field_path(error), error.errors()[0]["msg"])
        if misfit is not None:
            field, detail = misfit
            raise ResponseValidationError(
                f"the response body does not match the API at {field or 'the top level'}: {detail}",
                field=field,
                operation=operation,
                secret_id=secret_id,
                request_id=request_id,
                resume_token=resume_token,
                attempts=attempts[0] or None,
            ) from cause
        logger.debug(
            "%s ok: request id %s, %s attempt(s), %s item(s), %.1f ms",
            what,
            request_id,
            attempts[0] or None,
            len(result.secrets) if isinstance(result, SecretListPage) else 1,
            (time.perf_counter() - started) * 1000,
        )
        return result
