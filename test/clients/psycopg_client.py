"""psycopg 3 with psycopg_pool.ConnectionPool behind PgBouncer in transaction
mode (test/integration/clients.sh; docs/clients.md shows the same code).

Each request maps its company name to the tenant's schema (the registry
`tenants`), sets the tenant inside the transaction with wt_set_tenant(%s,
true) and reads the unqualified employees table.  Run with /usr/bin/python3.
"""
import sys
import threading

import psycopg
import psycopg_pool

import wtclient

CONNINFO = "host=%s port=%d dbname=%s user=%s" % (wtclient.HOST, wtclient.PORT, wtclient.DB, wtclient.USER)
# prepare_threshold=None: never prepare server-side; a prepared statement
# lives on one server connection and PgBouncer hands out another.
# (WT_PREPARED=1: prepare every statement, to show what breaks.)
CONNECT_ARGS = {"prepare_threshold": 0 if wtclient.PREPARED else None}
tally = wtclient.Tally("psycopg")


def find_tenant(conn, company):
    """Company name -> tenant schema, from the registry (no tenant needed)."""
    row = conn.execute("SELECT schema_name FROM tenants WHERE company_name = %s AND status = 'active'",
                       [company]).fetchone()
    return row[0]


def handle(pool, schema):
    """One request: its own transaction, its own tenant."""
    with pool.connection() as conn:
        with conn.transaction():
            pid, at_start = conn.execute(
                "SELECT pg_backend_pid(), current_setting('wellness_tenancy.tenant')").fetchone()
            found = find_tenant(conn, wtclient.EXPECTED[schema]["company"])
            conn.execute("SELECT wt_set_tenant(%s, true)", [found])
            emails = [r[0] for r in conn.execute("SELECT email FROM employees")]
    tally.request(schema, pid, at_start, emails)


def worker(pool, client):
    for i in range(wtclient.REQUESTS):
        try:
            handle(pool, wtclient.tenant_for(client, i))
        except psycopg.Error as e:
            tally.error(e.sqlstate, e)
        except (TypeError, ValueError) as e:  # another statement's result (WT_PREPARED=1)
            tally.error(None, e)


def attempt(pool, statements):
    """Runs statements in one pooled transaction; returns (sqlstate, rows of the last)."""
    try:
        with pool.connection() as conn:
            with conn.transaction():
                rows = []
                for sql, params in statements:
                    rows = conn.execute(sql, params).fetchall()
                return None, len(rows)
    except psycopg.Error as e:
        return e.sqlstate, 0


def fail_closed(pool):
    # A request that forgets the tenant: no tenant schema on the path.
    state, rows = attempt(pool, [("SELECT email FROM employees", None)])
    tally.check("forgot_tenant", state, rows, ["42P01", "42501"])
    # A session-level SET would outlive the transaction: refused.
    state, rows = attempt(pool, [("SET wellness_tenancy.tenant = 'tenant_01'", None),
                                 ("SELECT email FROM employees", None)])
    tally.check("session_set", state, rows, ["42501"])
    state, rows = attempt(pool, [("SELECT wt_set_tenant('tenant_01', false)", None),
                                 ("SELECT email FROM employees", None)])
    tally.check("session_wt_set_tenant", state, rows, ["42501"])
    # The autocommit trap: wt_set_tenant(x, true) outside a transaction block
    # would end with its own statement; refused (25P01), and the next
    # statement has no tenant.
    with psycopg.connect(CONNINFO, autocommit=True, **CONNECT_ARGS) as conn:
        try:
            conn.execute("SELECT wt_set_tenant(%s, true)", ["tenant_01"])
            state = None
        except psycopg.Error as e:
            state = e.sqlstate
        tally.check("autocommit_wt_set_tenant", state, 0, ["25P01"])
        try:
            rows = len(conn.execute("SELECT email FROM employees").fetchall())
            state = None
        except psycopg.Error as e:
            state, rows = e.sqlstate, 0
        tally.check("autocommit_next_statement", state, rows, ["42P01", "42501"])


def main():
    with psycopg_pool.ConnectionPool(CONNINFO, min_size=wtclient.CLIENTS, max_size=wtclient.CLIENTS,
                                     kwargs=CONNECT_ARGS) as pool:
        threads = [threading.Thread(target=worker, args=(pool, c)) for c in range(wtclient.CLIENTS)]
        for t in threads:
            t.start()
        if not wtclient.PREPARED:
            fail_closed(pool)  # beside the load
        for t in threads:
            t.join()
    return tally.report()


if __name__ == "__main__":
    sys.exit(main())
