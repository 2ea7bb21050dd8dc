"""Store tests run on SQLite and, marked ``postgres``, on a throw-away PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.postgres import PgServer, postgres_server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``[storage]`` section: empty (SQLite in the data dir) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return {}
    server: PgServer = request.getfixturevalue("pg_server")
    return {"database_url": server.create_database(f"t_{secrets.token_hex(6)}")}
