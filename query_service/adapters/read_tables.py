"""The read tables the projections write and the query API reads.

Every table set has a name suffix: the live tables have none, and a rebuild
fills a suffixed set beside them before swapping it in (see rebuild.py).
In PostgreSQL each table enforces firm isolation with row-level security on
the session's `app.firm_id`, for the non-owner role the query API reads as;
FORCE ROW LEVEL SECURITY makes the owner go through policies too (its own
policy lets the projector, rebuild and verification work across firms).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from shared.quarantine import schema as quarantine_schema
from shared.sql import Database, Transaction

READER_ROLE = "visa_firm_reader"


@dataclass(frozen=True)
class ReadTables:
    """The names of one set of read tables."""

    suffix: str = ""

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in _BASE_NAMES:
            raise AttributeError(name)
        return name + self.suffix

    def names(self, dialect: str) -> list[str]:
        return [getattr(self, n) for n in _BASE_NAMES if n != "clients_fts" or dialect == "sqlite"]


_BASE_NAMES = ("clients", "clients_fts", "checks", "recommendations", "dashboard_counters",
               "audit_log", "projector_positions", "projector_quarantine")
LIVE = ReadTables()


def create_statements(dialect: str, t: ReadTables) -> list[str]:
    """Return the statements that create one table set on an engine."""
    return [*table_statements(dialect, t), *index_statements(dialect, t),
            *(_row_level_security(t) if dialect == "postgresql" else [])]


def table_statements(dialect: str, t: ReadTables, unlogged: bool = False) -> list[str]:
    """The tables of one set with their primary keys (UNLOGGED: PostgreSQL, for a bulk load)."""
    search = ("search_text TEXT NOT NULL,"
              if dialect == "sqlite" else
              "search_text TEXT NOT NULL, search_vector tsvector GENERATED ALWAYS AS"
              " (to_tsvector('simple', search_text)) STORED,")
    # A check's result is ~100 KB of JSON: lz4 compresses it several times faster than
    # PostgreSQL's default pglz, for a slightly larger stored value.
    lz4 = "" if dialect == "sqlite" else " COMPRESSION lz4"
    create = "CREATE UNLOGGED TABLE" if unlogged and dialect == "postgresql" else "CREATE TABLE"
    statements = [
        f"""{create} {t.clients} (
            firm_id TEXT NOT NULL, client_id TEXT NOT NULL, version INTEGER NOT NULL,
            status TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
            email TEXT, email_digest TEXT, employer TEXT, field TEXT, {search}
            profile TEXT{lz4} NOT NULL, created_by TEXT, created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL, latest_check_id TEXT, search_rowid BIGINT,
            PRIMARY KEY (firm_id, client_id))""",
        f"""{create} {t.checks} (
            firm_id TEXT NOT NULL, check_id TEXT NOT NULL, client_id TEXT NOT NULL,
            status TEXT NOT NULL, profile_version INTEGER NOT NULL, analysis_mode TEXT,
            result TEXT{lz4}, error_message TEXT, retry_allowed INTEGER, requested_by TEXT,
            requested_at TEXT NOT NULL, started_at TEXT, completed_at TEXT,
            updated_at TEXT NOT NULL, PRIMARY KEY (firm_id, check_id))""",
        f"""{create} {t.recommendations} (
            firm_id TEXT NOT NULL, check_id TEXT NOT NULL, client_id TEXT NOT NULL,
            visa_type TEXT NOT NULL, rank INTEGER NOT NULL, verdict TEXT NOT NULL,
            eligibility_score INTEGER NOT NULL, success_probability REAL NOT NULL,
            requested_at TEXT NOT NULL, is_current INTEGER NOT NULL,
            PRIMARY KEY (firm_id, check_id, visa_type))""",
        # The projector reads a client's current recommendations by client: needed while loading.
        f"CREATE INDEX recommendations_by_client{t.suffix} ON {t.recommendations}"
        " (firm_id, client_id)",
        f"""{create} {t.dashboard_counters} (
            firm_id TEXT NOT NULL, metric TEXT NOT NULL, bucket TEXT NOT NULL,
            count BIGINT NOT NULL, total DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (firm_id, metric, bucket))""",
        f"""{create} {t.audit_log} (
            firm_id TEXT NOT NULL, position BIGINT NOT NULL, event_type TEXT NOT NULL,
            action TEXT NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL,
            client_id TEXT, actor_id TEXT, actor_kind TEXT, request_id TEXT,
            correlation_id TEXT, occurred_at TEXT NOT NULL, changes TEXT{lz4} NOT NULL,
            PRIMARY KEY (firm_id, position))""",
        f"""{create} {t.projector_positions} (
            consumer TEXT NOT NULL, firm_id TEXT NOT NULL, position BIGINT NOT NULL,
            updated_at TEXT NOT NULL, PRIMARY KEY (consumer, firm_id))""",
        *quarantine_schema(t.projector_quarantine),
    ]
    if dialect == "sqlite":
        # The FTS row's rowid is the client's search_rowid: an explicit column,
        # because VACUUM may renumber SQLite's implicit rowids.
        statements += [f"CREATE VIRTUAL TABLE {t.clients_fts} USING fts5(search_text,"
                       " tokenize = 'unicode61 remove_diacritics 2')",
                       f"CREATE UNIQUE INDEX clients_search_rowid{t.suffix} ON {t.clients}"
                       " (search_rowid)"]
    return statements


def index_statements(dialect: str, t: ReadTables) -> list[str]:
    """The indexes the reads need and the projector does not: built after a bulk load."""
    s = t.suffix
    statements = [
        f"CREATE INDEX clients_newest{s} ON {t.clients} (firm_id, created_at DESC, client_id DESC)",
        f"CREATE INDEX clients_status{s} ON {t.clients}"
        " (firm_id, status, created_at DESC, client_id DESC)",
        f"CREATE INDEX clients_attorney{s} ON {t.clients} (firm_id, created_by)",
        f"CREATE INDEX clients_email{s} ON {t.clients} (firm_id, email_digest)",
        f"CREATE INDEX checks_by_client{s} ON {t.checks} (firm_id, client_id, requested_at DESC)",
        f"CREATE INDEX recommendations_current{s} ON {t.recommendations}"
        " (firm_id, visa_type, is_current, eligibility_score)",
        f"CREATE INDEX audit_by_client{s} ON {t.audit_log} (firm_id, client_id, position)",
        f"CREATE INDEX audit_by_actor{s} ON {t.audit_log} (firm_id, actor_id, position)",
        f"CREATE INDEX audit_by_entity{s} ON {t.audit_log} (firm_id, entity_id, position)",
    ]
    if dialect == "postgresql":
        statements.append(f"CREATE INDEX clients_search{s} ON {t.clients}"
                          f" USING GIN (search_vector) WITH ({SEARCH_INDEX_OPTIONS})")
    return statements


# GIN's pending list takes new rows' words without sorting them into the index, and every
# search reads all of it: its 4 MB default holds thousands of clients' words (read tables
# filled through the index held every client, and a search took 7 ms on the list before
# touching the index). 64 kB keeps the projector's writes batched and searches short.
SEARCH_INDEX_OPTIONS = "gin_pending_list_limit = 64"


def bound_search_pending_list(db: Database) -> None:
    """Give the live clients' words index a short pending list, and empty it (PostgreSQL)."""
    if db.dialect != "postgresql":
        return
    with db.transaction() as tx:
        indexes = tx.fetch_all("SELECT indexname FROM pg_indexes WHERE tablename = ? AND"
                               " schemaname = current_schema() AND"
                               " position('USING gin' IN indexdef) > 0", (LIVE.clients,))
        for index in (r["indexname"] for r in indexes):
            tx.execute(f'ALTER INDEX "{index}" SET ({SEARCH_INDEX_OPTIONS})')
            tx.fetch_one("SELECT gin_clean_pending_list(?::regclass) AS cleaned", (index,))


def _row_level_security(t: ReadTables) -> list[str]:
    return [statement for table in t.names("postgresql") for statement in _secured(table)]


def _secured(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY firm_isolation ON {table} TO {READER_ROLE}"
        " USING (firm_id = current_setting('app.firm_id', true))",
        # The owner (the projector, rebuild and verify) works across firms.
        f"CREATE POLICY owner_access ON {table} TO CURRENT_USER USING (true)"
        " WITH CHECK (true)",
        f"GRANT SELECT ON {table} TO {READER_ROLE}",
    ]


def create_tables(db: Database, t: ReadTables) -> None:
    """Create one table set (the caller makes sure it does not exist yet)."""
    if db.dialect == "postgresql":
        ensure_reader_role(db)
    with db.transaction() as tx:
        for statement in create_statements(db.dialect, t):
            tx.execute(statement)


def create_tables_for_bulk_load(db: Database, t: ReadTables) -> None:
    """Create a table set to fill in bulk: keys only and, on PostgreSQL, not WAL-logged.

    `finish_bulk_load` then makes it durable and builds the other indexes, each in one
    pass over the loaded rows instead of one insertion per row. Row-level security comes
    then too: PostgreSQL refuses COPY into a table whose policies apply to the writer, as
    forced ones do to a non-superuser owner; until the swap no reader sees these tables.
    """
    if db.dialect == "postgresql":
        ensure_reader_role(db)
    with db.transaction() as tx:
        for statement in table_statements(db.dialect, t, unlogged=True):
            tx.execute(statement)


def finish_bulk_load(db: Database, t: ReadTables) -> None:
    """Make a bulk-loaded table set durable and indexed, as create_tables would have it."""
    with db.transaction() as tx:
        if tx.dialect == "postgresql":
            for table in t.names(tx.dialect):
                tx.execute(f"ALTER TABLE {table} SET LOGGED")
        for statement in index_statements(tx.dialect, t):
            tx.execute(statement)
        if tx.dialect == "postgresql":
            for statement in _row_level_security(t):
                tx.execute(statement)


def drop_tables(tx: Transaction, t: ReadTables) -> None:
    for table in t.names(tx.dialect):
        tx.execute(f"DROP TABLE IF EXISTS {table}")


def table_exists(tx: Transaction, name: str) -> bool:
    if tx.dialect == "sqlite":
        row = tx.fetch_one("SELECT 1 AS found FROM sqlite_master WHERE name = ?", (name,))
    else:
        row = tx.fetch_one("SELECT to_regclass(?) IS NOT NULL AS found", (name,))
        return bool(row and row["found"])
    return row is not None


def migrate_read_tables(db: Database) -> None:
    """Create the live read tables if they do not exist (safe to run twice)."""
    with db.transaction() as tx:
        exists = table_exists(tx, LIVE.projector_positions)
        if not exists:
            _drop_skeleton_tables(tx)
    if not exists:
        try:
            create_tables(db, LIVE)
        except Exception:
            with db.transaction() as tx:
                if not table_exists(tx, LIVE.projector_positions):
                    raise


def migrate_quarantine(db: Database) -> None:
    """Add the projector's dead-letter table to live read tables created before it."""
    with db.transaction() as tx:
        if table_exists(tx, LIVE.projector_quarantine):
            return
        for statement in quarantine_schema(LIVE.projector_quarantine):
            tx.execute(statement)
        if tx.dialect == "postgresql":
            for statement in _secured(LIVE.projector_quarantine):
                tx.execute(statement)


def _drop_skeleton_tables(tx: Transaction) -> None:
    # The first read tables had no projector_positions table; being derived
    # data they are dropped and replayed (embedded: at once; distributed: run
    # `visa projections rebuild` after upgrading).
    for table in ("recommendations", "checks", "clients"):
        tx.execute(f"DROP TABLE IF EXISTS {table}")
    if table_exists(tx, "consumer_positions"):
        tx.execute("DELETE FROM consumer_positions WHERE consumer = 'projector'")


def ensure_reader_role(db: Database) -> None:
    """Create the cluster-wide role the query API reads as, once."""
    with db.transaction() as tx:
        if tx.fetch_one("SELECT 1 AS found FROM pg_roles WHERE rolname = ?", (READER_ROLE,)):
            return
    try:
        with db.transaction() as tx:
            tx.execute(f"CREATE ROLE {READER_ROLE} NOLOGIN")
            # The services' own login must be able to SET ROLE to it.
            tx.execute(f"GRANT {READER_ROLE} TO CURRENT_USER")
    except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
        pass  # another process created it first


def scope_to_firm(tx: Transaction, firm_id: str) -> None:
    """Make the rest of this transaction see one firm's rows only (PostgreSQL)."""
    for sql, params in firm_scope(tx.dialect, firm_id):
        tx.execute(sql, params)


def firm_scope(dialect: str, firm_id: str) -> list[tuple[str, tuple]]:
    """The statements that make a transaction see one firm's rows only (PostgreSQL)."""
    if dialect != "postgresql":
        return []
    return [(f"SET LOCAL ROLE {READER_ROLE}", ()),
            ("SELECT set_config('app.firm_id', ?, true) AS firm", (firm_id,))]


def tag_writes_with_firm(tx: Transaction, firm_id: str) -> None:
    """Name the firm a projector transaction writes for, so the policies' checks pass."""
    if tx.dialect == "postgresql":
        tx.fetch_one("SELECT set_config('app.firm_id', ?, true) AS firm", (firm_id,))
