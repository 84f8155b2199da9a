"""asyncpg behind PgBouncer in transaction mode (test/integration/clients.sh;
docs/clients.md shows the same code).

statement_cache_size=0: asyncpg then keeps no named prepared statement
across transactions (it still uses the extended protocol's unnamed
statement, which lives within one transaction).  Each request sets the tenant
with set_config('wellness_tenancy.tenant', $1, true), which also points
search_path at the tenant.  Run with /usr/bin/python3.
"""
import asyncio
import sys

import asyncpg

import wtclient

tally = wtclient.Tally("asyncpg")


async def handle(pool, schema):
    """One request: its own transaction, its own tenant."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            pid, at_start = await conn.fetchrow(
                "SELECT pg_backend_pid(), current_setting('wellness_tenancy.tenant')")
            await conn.execute("SELECT set_config('wellness_tenancy.tenant', $1, true)", schema)
            emails = [r["email"] for r in await conn.fetch("SELECT email FROM employees")]
    tally.request(schema, pid, at_start, emails)


async def worker(pool, client):
    for i in range(wtclient.REQUESTS):
        try:
            await handle(pool, wtclient.tenant_for(client, i))
        except asyncpg.PostgresError as e:
            tally.error(e.sqlstate, e)
        except (TypeError, ValueError, KeyError, asyncpg.InterfaceError) as e:  # (WT_PREPARED=1)
            tally.error(None, e)


async def attempt(pool, statements):
    """Runs statements in one transaction; returns (sqlstate, rows of the last)."""
    try:
        async with pool.acquire() as conn:
            async with conn.transaction():
                rows = []
                for sql in statements:
                    rows = await conn.fetch(sql)
                return None, len(rows)
    except asyncpg.PostgresError as e:
        return e.sqlstate, 0


async def fail_closed(pool):
    state, rows = await attempt(pool, ["SELECT email FROM employees"])
    tally.check("forgot_tenant", state, rows, ["42P01", "42501"])
    state, rows = await attempt(pool, ["SET wellness_tenancy.tenant = 'tenant_01'", "SELECT email FROM employees"])
    tally.check("session_set", state, rows, ["42501"])
    state, rows = await attempt(pool, ["SELECT set_config('wellness_tenancy.tenant', 'tenant_01', false)",
                                       "SELECT email FROM employees"])
    tally.check("session_set_config", state, rows, ["42501"])


async def main():
    pool = await asyncpg.create_pool(host=wtclient.HOST, port=wtclient.PORT, database=wtclient.DB,
                                     user=wtclient.USER, min_size=wtclient.CLIENTS, max_size=wtclient.CLIENTS,
                                     # WT_PREPARED=1: asyncpg's default, to show what breaks
                                     statement_cache_size=100 if wtclient.PREPARED else 0)
    try:
        checks = [] if wtclient.PREPARED else [fail_closed(pool)]
        await asyncio.gather(*checks, *(worker(pool, c) for c in range(wtclient.CLIENTS)))
    finally:
        await pool.close()
    return tally.report()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
