"""Consumer code for the reliability surface, checked by mypy --strict, never run."""

from __future__ import annotations

import logging
from collections.abc import Callable

from typing_extensions import assert_type

from aiosecretsmanager import (
    RedactingFilter,
    SecretsManager,
    SecretsManagerError,
    install_botocore_redaction,
)


def redaction() -> None:
    undo = install_botocore_redaction()
    assert_type(undo, Callable[[], None])
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    undo()


async def resume(sm: SecretsManager) -> list[str]:
    names: list[str] = []
    token: str | None = None
    while True:
        try:
            async for entry in sm.iter_secrets(starting_token=token):
                names.append(entry.name)
        except SecretsManagerError as error:
            assert_type(error.resume_token, str | None)
            assert_type(error.attempts, int | None)
            token = error.resume_token
            continue
        return names
