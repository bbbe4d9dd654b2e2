"""Shared fixtures: the parsed act in both languages, the built graph and a store over it.

The build cache of the test session lives in a temporary folder, so tests never read or
leave a cache in the checkout.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_CACHE = tempfile.mkdtemp(prefix="aiact-kg-test-cache-")
os.environ["AIACT_KG_CACHE"] = _CACHE
os.environ.pop("AIACT_KG_BASE", None)

@pytest.fixture(scope="session")
def parsed():
    from aiact_kg import corpus

    return corpus.load()


@pytest.fixture(scope="session")
def english(parsed):
    return parsed[0]


@pytest.fixture(scope="session")
def french(parsed):
    return parsed[1]


@pytest.fixture(scope="session")
def en_index(english):
    return english.index()


@pytest.fixture(scope="session")
def fr_index(french):
    return french.index()


@pytest.fixture(scope="session")
def graph_file() -> Path:
    from aiact_kg import build

    return build.build()


@pytest.fixture(scope="session")
def store(graph_file):
    from aiact_kg.store import EmbeddedStore

    return EmbeddedStore(files=[graph_file])
