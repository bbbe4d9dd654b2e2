"""IRIs of the Act for the tests: a module of its own, because two conftest.py files (tests/
and tests/web/) cannot both be imported as ``conftest``."""

from __future__ import annotations

ACT = "https://w3id.org/aiact-kg/reg/2024/1689"


def provision(local_id: str):
    """The IRI of a provision of the Act, as a store binding."""
    from pyoxigraph import NamedNode

    return NamedNode(f"{ACT}/{local_id}")
