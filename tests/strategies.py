"""Hypothesis strategies for wire bodies, derived from botocore's service model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import botocore.session
from hypothesis import strategies as st

if TYPE_CHECKING:
    from botocore.model import Shape

SERVICE = botocore.session.get_session().get_service_model("secretsmanager")
# botocore marks nothing required in these shapes; the service always sends these.
ALWAYS_SENT = {"ARN", "Name", "Key"}


def wire(shape: Shape, present: tuple[str | int, ...] = ()) -> st.SearchStrategy[Any]:
    """Any value botocore's shape allows, as the service puts it on the wire.

    Every member of every structure may appear, so a member the service model gains
    in a botocore upgrade is generated without a change here. ``present`` is a path
    (member names, and 0 for a list's first item) that every drawn value has.
    """
    kind = shape.type_name
    if kind == "structure":
        members = {
            name: wire(member, present[1:] if present[:1] == (name,) else ())
            for name, member in shape.members.items()  # type: ignore[attr-defined]
        }
        must = ALWAYS_SENT | set(present[:1])  # type: ignore[arg-type]
        required = {name: members.pop(name) for name in list(members) if name in must}
        return st.fixed_dictionaries(required, optional=members)
    if kind == "list":
        return st.lists(wire(shape.member, present[1:]), min_size=len(present[:1]), max_size=3)  # type: ignore[attr-defined]
    if kind == "map":
        return st.dictionaries(wire(shape.key), wire(shape.value), max_size=3)  # type: ignore[attr-defined]
    if kind == "string":
        return st.sampled_from(shape.enum) if shape.enum else st.text(max_size=12)  # type: ignore[attr-defined]
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "long"):
        return st.integers(min_value=shape.metadata.get("min", 0), max_value=2**31 - 1)
    if kind == "timestamp":
        # Epoch seconds, as the JSON protocol sends them, from 1970 to 2096.
        return st.floats(min_value=0, max_value=4e9, allow_nan=False)
    raise AssertionError(f"no strategy for {kind}")
