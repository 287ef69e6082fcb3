"""The client listing's statements: a page of a firm's clients, filtered, newest first.

The page is chosen from the clients table's keys alone, and only its rows are read whole
and joined with their best option and latest check, unless a filter or the order needs
those joined columns first.

A search by words on PostgreSQL is bounded however many clients match: it first walks the
newest WALK clients that pass the other filters (the status index gives them in order) and
keeps those whose words match; when that finds a whole page, the page is exact (every match
left out is older). Only when it does not are the matches read from the words' GIN index
and sorted, in a second round trip: then there are few of them, about a page per WALK
clients. Neither way sorts a common name's thousands of matches, nor walks a whole firm for
a rare one.

PostgreSQL uses an index under row-level security only for leakproof operators, and
full-text `@@` is not one: as the firm's reader, the GIN index would never serve. So that
second trip chooses the page's ids as the tables' owner, filtered on the firm as every
statement here is, and hands them on in a transaction setting; the rows themselves are
then read as the reader, through the firm's policies, as every other read.
"""

from __future__ import annotations

from dataclasses import dataclass

from query_service.adapters.read_tables import ReadTables

CLIENT_COLUMNS = ("client_id, version, status, profile, created_by, created_at, updated_at,"
                  " latest_check_id")
WALK = 2000
MATCHES = "search_vector @@ to_tsquery('simple', ?)"
NEWEST_FIRST = "ORDER BY {0}.created_at DESC, {0}.client_id DESC"
KEYS = "c.firm_id, c.client_id, c.created_at"
PAGE_SETTING = "app.client_page"

# The best option's probability in basis points (-1: no results), an integer so a
# keyset cursor compares it exactly on both engines.
BEST_RANK = "CAST(ROUND(COALESCE(b.success_probability, -0.0001) * 10000) AS INTEGER)"

Statement = tuple[str, list]


@dataclass(frozen=True)
class Conditions:
    """The WHERE conditions on clients `c` (leading with the firm) and their parameters."""

    sql: str
    params: list
    words: str | None = None  # a tsquery (PostgreSQL) or FTS5 query of the search words
    dialect: str = "postgresql"


def joined_columns(t: ReadTables) -> tuple[str, str]:
    """The listed columns beside the client's, and the joins that give them."""
    columns = ("b.visa_type AS best_visa_type, b.verdict AS best_verdict,"
               " b.eligibility_score AS best_score, b.success_probability AS best_probability,"
               f" {BEST_RANK} AS best_rank, k.status AS latest_check_status")
    # The best option is the first recommendation of the client's current results.
    joins = (f" LEFT JOIN {t.recommendations} b ON b.firm_id = c.firm_id"
             " AND b.client_id = c.client_id AND b.is_current = 1 AND b.rank = 1"
             f" LEFT JOIN {t.checks} k ON k.firm_id = c.firm_id"
             " AND k.check_id = c.latest_check_id")
    return columns, joins


def page_then_join(t: ReadTables, where: Conditions, rows: int) -> Statement:
    """Choose `rows` clients newest first, then read and join only those.

    With search words on PostgreSQL the page comes from the newest WALK clients only;
    fewer than `rows` from it means: run index_then_join instead.
    """
    if where.words is None:
        page = (f"SELECT {KEYS} FROM {t.clients} c WHERE {where.sql}"
                f" {NEWEST_FIRST.format('c')} LIMIT ?")
        return _read_page(t, page), [*where.params, rows]
    if where.dialect == "sqlite":
        page = (f"SELECT {KEYS} FROM {t.clients} c WHERE {where.sql}"
                f" AND c.search_rowid IN (SELECT rowid FROM {t.clients_fts}"
                f" WHERE {t.clients_fts} MATCH ?) {NEWEST_FIRST.format('c')} LIMIT ?")
        return _read_page(t, page), [*where.params, where.words, rows]
    page = (f"SELECT c.firm_id, c.client_id, c.created_at FROM (SELECT {KEYS},"
            f" c.search_vector FROM {t.clients} c WHERE {where.sql}"
            f" {NEWEST_FIRST.format('c')} LIMIT {WALK}) c WHERE c.{MATCHES}"
            f" {NEWEST_FIRST.format('c')} LIMIT ?")
    return _read_page(t, page), [*where.params, where.words, rows]


def index_then_join(t: ReadTables, where: Conditions, rows: int) -> tuple[Statement, Statement]:
    """Every match of the search words from their GIN index, newest first (PostgreSQL).

    Two statements: the first chooses the page's ids and must run as the tables' owner;
    the second reads those rows, as the firm's reader.
    """
    # OFFSET 0 keeps the matching apart from the order, so the planner reads the GIN
    # index rather than walking the firm in order.
    choose = (f"SELECT set_config('{PAGE_SETTING}', COALESCE((SELECT string_agg(p.client_id,"
              " ',' ORDER BY p.created_at DESC, p.client_id DESC) FROM (SELECT * FROM"
              f" (SELECT {KEYS} FROM {t.clients} c WHERE {where.sql} AND c.{MATCHES}"
              f" OFFSET 0) c {NEWEST_FIRST.format('c')} LIMIT ?) p), ''), true) AS page")
    columns, joins = joined_columns(t)
    read = (f"SELECT {prefixed('c', CLIENT_COLUMNS)}, {columns} FROM {t.clients} c{joins}"
            " WHERE c.firm_id = ? AND c.client_id = ANY(string_to_array("
            f"current_setting('{PAGE_SETTING}', true), ',')) {NEWEST_FIRST.format('c')}")
    return (choose, [*where.params, where.words, rows]), (read, [where.params[0]])


def _read_page(t: ReadTables, page: str) -> str:
    columns, joins = joined_columns(t)
    return (f"SELECT {prefixed('c', CLIENT_COLUMNS)}, {columns} FROM ({page}) p"
            f" JOIN {t.clients} c ON c.firm_id = p.firm_id AND c.client_id = p.client_id"
            f"{joins} {NEWEST_FIRST.format('c')}")


def prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))
