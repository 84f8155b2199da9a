"""Protocol-level prepared statements under tenant switching (test/integration/protocol_plans.sh).

Usage: protocol_plans.py CONNINFO

One connection with psycopg's server-side prepared statements on for every
statement (prepare_threshold=0: Parse once, then Bind/Execute), switching
between tenants a and b in every transaction.  Prints one line per check;
exits 1 on the first failure.
"""
import sys

import psycopg

conninfo = sys.argv[1]
LOOKUP = "SELECT full_name FROM employees WHERE email = %s"
TOTAL = ("SELECT count(*) FROM wellness_logs w JOIN employees e ON e.id = w.employee_id "
         "WHERE e.email = %s")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(conn, tenant, email):
    """One transaction under the tenant: the lookup and the total."""
    with conn.transaction():
        conn.execute("SELECT wt_set_tenant(%s, true)", (tenant,))
        row = conn.execute(LOOKUP, (email,)).fetchone()
        total = conn.execute(TOTAL, (email,)).fetchone()[0]
    return (row[0] if row else None), total




with psycopg.connect(conninfo, prepare_threshold=0, autocommit=True) as conn:
    # 1. Correct rows under each tenant, switching every transaction, with
    #    the statements' plans re-used: 12 rounds, so each tenant's copy
    #    reaches its generic plan.
    for i in range(12):
        for tenant in ("a", "b"):
            name, total = run(conn, tenant, "e1@x")
            if name != f"{tenant}-one" or total != (3 if tenant == "a" else 5):
                fail(f"round {i}, tenant {tenant}: got {name!r}, {total}")
    print("ok: 24 transactions switching a/b, each saw its own tenant's rows")

    with conn.transaction():
        rows = conn.execute(
            "SELECT tenant, generic_plans + custom_plans, generic_plans FROM wt_tenant_plans() "
            "WHERE statement LIKE '\\_pg3\\_%%' ORDER BY 1, 2").fetchall()
    copies = {}
    for tenant, uses, generic in rows:
        copies.setdefault(tenant, []).append((uses, generic))
    if sorted(copies) != ["a", "b"]:
        fail(f"expected per-tenant copies of the protocol statements for a and b, got {rows}")
    for tenant, stats in copies.items():
        if not any(generic >= 6 for _, generic in stats):
            fail(f"tenant {tenant}'s copies did not re-use a generic plan: {stats}")
    print(f"ok: per-tenant copies of the protocol statements, generic plans re-used: {rows}")

    # 2. PostgreSQL's invalidation keeps working on every copy: DDL on b's
    #    table (a column added, then dropped), ANALYZE, and a new row.
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute("ALTER TABLE b.employees ADD COLUMN extra text DEFAULT 'x'")
        admin.execute("INSERT INTO b.employees (email, full_name) VALUES ('e9@x', 'b-nine')")
        admin.execute("ANALYZE b.employees")
    for tenant, email, want in (("b", "e9@x", "b-nine"), ("a", "e9@x", None), ("b", "e1@x", "b-one")):
        name, _ = run(conn, tenant, email)
        if name != want:
            fail(f"after DDL and ANALYZE, tenant {tenant} {email}: got {name!r}, want {want!r}")
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute("ALTER TABLE b.employees DROP COLUMN extra")
        admin.execute("ALTER TABLE a.employees RENAME COLUMN full_name TO full_name_old")
        admin.execute("ALTER TABLE a.employees ADD COLUMN full_name varchar(255)")
        admin.execute("UPDATE a.employees SET full_name = 'a-renamed-' || email")
    for tenant, email, want in (("a", "e1@x", "a-renamed-e1@x"), ("b", "e1@x", "b-one")):
        name, _ = run(conn, tenant, email)
        if name != want:
            fail(f"after a dropped and a replaced column, tenant {tenant}: got {name!r}, want {want!r}")
    print("ok: DDL (added, dropped and replaced columns), ANALYZE and new rows seen through every copy")

    # 3. Another tenant's rows are never served, whatever plan is in use:
    #    the same statements, schema-qualified at b, under a are refused.
    try:
        with conn.transaction():
            conn.execute("SELECT wt_set_tenant(%s, true)", ("a",))
            conn.execute("SELECT full_name FROM b.employees WHERE email = %s", ("e1@x",)).fetchone()
        fail("tenant a read b.employees through a prepared statement")
    except psycopg.errors.InsufficientPrivilege:
        pass
    print("ok: a prepared statement naming b's table is refused under a (42501)")

    # 4. DEALLOCATE ALL drops the statements and every per-tenant copy;
    #    the driver prepares them again and they keep working.
    conn.execute("DEALLOCATE ALL", prepare=False)
    with conn.transaction():
        left = conn.execute(
            "SELECT count(*) FROM wt_tenant_plans() WHERE statement LIKE '\\_pg3\\_%%'").fetchone()[0]
    if left != 0:
        fail(f"{left} per-tenant copies left after DEALLOCATE ALL")
    for tenant in ("a", "b", "a"):
        name, _ = run(conn, tenant, "e1@x")
        if name not in (f"{tenant}-one", "a-renamed-e1@x"):
            fail(f"after DEALLOCATE ALL, tenant {tenant}: got {name!r}")
    print("ok: DEALLOCATE ALL drops the copies; the statements work again, prepared anew")

    # 5. The cap: with tenant_plans = 2, at most two copies are kept (those
    #    in use are never dropped) and every transaction still gets its rows.
    conn.execute("SET wellness_tenancy.tenant_plans = 2")
    for i in range(4):
        for tenant in ("a", "b"):
            name, _ = run(conn, tenant, "e1@x")
            if name not in (f"{tenant}-one", "a-renamed-e1@x"):
                fail(f"with tenant_plans = 2, tenant {tenant}: got {name!r}")
    with conn.transaction():
        kept = conn.execute("SELECT count(*) FROM wt_tenant_plans()").fetchone()[0]
    if kept > 2 + 3:  # the cap, plus the copies in use (three statements)
        fail(f"{kept} copies kept with tenant_plans = 2")
    print(f"ok: with tenant_plans = 2, {kept} copies kept and every transaction served")
print("PASS")
