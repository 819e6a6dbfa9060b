"""The test stores: a SQLite file per test, or a PostgreSQL database per test.

With ``PDU_MANAGER_TEST_DATABASE_URL`` naming a PostgreSQL server (a URL to any
database on it the tests may connect to, such as ``postgres``), one template
database is migrated per run and every test gets databases of its own, copied
from it with ``CREATE DATABASE ... TEMPLATE``: the schema comes from the
migrations, each test starts from the same state, and nothing need be deleted
from the append-only audit log between tests. Every database the run made is
dropped at its end.
"""

from __future__ import annotations

import itertools
import os

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

ENV_TEST_DATABASE_URL = "PDU_MANAGER_TEST_DATABASE_URL"
_numbers = itertools.count(1)


def server_url() -> URL | None:
    """The PostgreSQL server the tests run against, or None: SQLite files."""
    given = os.environ.get(ENV_TEST_DATABASE_URL, "").strip()
    if not given:
        return None
    url = make_url(given)
    if url.get_backend_name() != "postgresql":
        raise RuntimeError(
            f"{ENV_TEST_DATABASE_URL} names a PostgreSQL server, such as "
            f"postgresql+psycopg://postgres@127.0.0.1:5432/postgres; got {url.get_backend_name()}"
        )
    return url


def _quoted(name: str) -> str:
    assert name.replace("_", "").isalnum(), name
    return f'"{name}"'


class PostgresServer:
    """Makes and drops the run's databases on the test server."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.prefix = f"pdu_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._admin: Engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self._made: set[str] = set()
        with self._admin.connect() as conn:
            version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
        # PostgreSQL 15 logs a copied database block by block unless told to copy files.
        self._strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""

    def url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(sql))

    def create(self, template: str = "template0") -> str:
        """A new database, a copy of ``template``; its URL."""
        name = f"{self.prefix}_{next(_numbers)}"
        strategy = self._strategy if template != "template0" else ""
        self._execute(f"CREATE DATABASE {_quoted(name)} TEMPLATE {_quoted(template)}{strategy}")
        self._made.add(name)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name in self._made, name
        self._made.discard(name)
        self._execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")

    def make_template(self) -> None:
        """The run's template: the schema by the migrations, then the reference data."""
        from app.db import migrate
        from app.db.engine import make_engine
        from app.services.core.store import open_store

        self._execute(f"DROP DATABASE IF EXISTS {_quoted(self.template)} WITH (FORCE)")
        self._execute(f"CREATE DATABASE {_quoted(self.template)} TEMPLATE template0")
        self._made.add(self.template)
        url = self.url_of(self.template)
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        open_store(url).close()  # the reference data every store starts with

    def close(self) -> None:
        for name in sorted(self._made):
            self._execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
        self._made.clear()
        self._admin.dispose()
