"""Credential redaction for log records and error messages.

botocore's own DEBUG records (``botocore.endpoint``, ``botocore.auth``, ...) print
request headers, canonical requests and signatures, so the access key id, the
session token and the request signature reach any handler listening at DEBUG.
``RedactingFilter`` rewrites such records in place; ``install_botocore_redaction``
puts one on every botocore and aiobotocore logger. Both are opt-in: importing this
package changes no logging configuration.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["REDACTED", "RedactingFilter", "install_botocore_redaction", "redact"]

REDACTED = "<redacted>"
"""What a redacted credential reads as."""

# Each pattern keeps the context (group 1) and replaces only the credential, so a
# redacted line still says which header or parameter was there.
_PATTERNS: tuple[re.Pattern[str], ...] = (
    # SigV4 Authorization header and presigned query strings: the access key id is
    # the first segment of the credential scope.
    re.compile(r"((?:Credential|X-Amz-Credential)=)[^/\s,'\"&]+", re.IGNORECASE),
    # The signature itself, in the header, in a query string, and in botocore.auth's
    # "Signature:\n<hex>" line.
    re.compile(r"((?:X-Amz-)?Signature\s*[=:]\s*)[0-9a-fA-F]{16,}", re.IGNORECASE),
    # Session tokens: as a header in a dict repr (b'...' or '...'), in a canonical
    # request ("x-amz-security-token:..."), or as a query parameter.
    re.compile(
        r"((?:X-Amz-Security-Token|aws_session_token|SessionToken|session_token)"
        r"['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s,}&]+",
        re.IGNORECASE,
    ),
    # Secret keys, should anything ever print one by name.
    re.compile(
        r"((?:aws_secret_access_key|secret_access_key|SecretAccessKey|secret_key)"
        r"['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s,}&]+",
        re.IGNORECASE,
    ),
    re.compile(
        r"((?:aws_access_key_id|access_key_id|AccessKeyId|access_key)"
        r"['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s,}&]+",
        re.IGNORECASE,
    ),
)
# An access key id on its own, wherever it stands: AKIA (long-term) or ASIA
# (temporary) and friends, then at least 12 upper-case letters or digits.
_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{12,}\b")


def redact(text: str) -> str:
    """Return ``text`` with access key ids, secret keys, session tokens and signatures replaced.

    Everything else in the text is kept as it was.
    """
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return _KEY_ID.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts credentials in the records it sees, and drops none.

    Add it to a handler to cover every record that handler writes, or to a logger
    to cover the records logged on that very logger (a logger's filters do not see
    records its children propagate). The message is formatted once, redacted, and
    stored back with no arguments; a record without credentials keeps its text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_NAMESPACES = ("botocore", "aiobotocore")


def _library_loggers(names: Iterable[str]) -> list[logging.Logger]:
    loggers = [logging.getLogger(namespace) for namespace in _NAMESPACES]
    for name in names:
        if name.split(".", 1)[0] in _NAMESPACES:
            loggers.append(logging.getLogger(name))
    return loggers


def install_botocore_redaction() -> Callable[[], None]:
    """Redact credentials in every botocore and aiobotocore log record; opt-in.

    Adds one ``RedactingFilter`` to each botocore and aiobotocore logger that
    exists (botocore creates them as its modules load, and this package has
    loaded them). Calling it again adds nothing twice. Records from any other
    logger are left alone.

    Returns:
        A function that removes the filters again.
    """
    # Loggers botocore creates later (a module imported lazily) are caught by
    # importing the modules that log requests, signing and retries up front.
    import botocore.auth
    import botocore.endpoint
    import botocore.retryhandler  # noqa: F401

    existing = list(logging.Logger.manager.loggerDict)
    installed: list[tuple[logging.Logger, RedactingFilter]] = []
    for logger in _library_loggers(existing):
        if any(isinstance(item, RedactingFilter) for item in logger.filters):
            continue
        redacting = RedactingFilter()
        logger.addFilter(redacting)
        installed.append((logger, redacting))

    def uninstall() -> None:
        for logger, redacting in installed:
            logger.removeFilter(redacting)

    return uninstall
