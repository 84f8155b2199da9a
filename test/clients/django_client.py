"""Django 3.2 (psycopg2) behind PgBouncer in transaction mode
(test/integration/clients.sh; docs/clients.md shows the same code).

Each request is a transaction.atomic() block that sets the tenant first,
through connection.cursor(): SET LOCAL (psycopg2 binds parameters on the
client, so %s becomes a quoted literal) on even requests, set_config(...,
true) on odd ones; then reads the unmanaged Employee model.  Threads, each
with its own Django connection.  Run with /usr/bin/python3 and
DJANGO_SETTINGS_MODULE=wtdjango.settings.
"""
import sys
import threading

import django
from django.db import DatabaseError, connection, transaction

django.setup()

from wtdjango.models import Employee  # noqa: E402 (after django.setup())

import wtclient  # noqa: E402

tally = wtclient.Tally("django")


def set_tenant(schema, i):
    """The tenant for the rest of the current transaction (and search_path with it)."""
    with connection.cursor() as cur:
        if i % 2 == 0:
            cur.execute("SET LOCAL wellness_tenancy.tenant = %s", [schema])
        else:
            cur.execute("SELECT set_config('wellness_tenancy.tenant', %s, true)", [schema])


def handle(schema, i):
    """One request: its own transaction, its own tenant."""
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid(), current_setting('wellness_tenancy.tenant')")
            pid, at_start = cur.fetchone()
        set_tenant(schema, i)
        emails = list(Employee.objects.values_list("email", flat=True))
    tally.request(schema, pid, at_start, emails)


def worker(client):
    try:
        for i in range(wtclient.REQUESTS):
            try:
                handle(wtclient.tenant_for(client, i), i)
            except DatabaseError as e:
                tally.error(getattr(e.__cause__, "pgcode", None), e)
    finally:
        connection.close()  # this thread's connection


def attempt(statements, orm=False):
    """Runs statements (then, with orm, an ORM read) in one atomic block;
    returns (sqlstate, rows of the last)."""
    try:
        with transaction.atomic():
            rows = []
            with connection.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)
                    rows = cur.fetchall() if cur.description else []
            if orm:
                rows = list(Employee.objects.values_list("email", flat=True))
            return None, len(rows)
    except DatabaseError as e:
        return getattr(e.__cause__, "pgcode", None), 0


def fail_closed():
    try:
        state, rows = attempt([], orm=True)
        tally.check("forgot_tenant", state, rows, ["42P01", "42501"])
        state, rows = attempt(["SET wellness_tenancy.tenant = 'tenant_01'"], orm=True)
        tally.check("session_set", state, rows, ["42501"])
    finally:
        connection.close()


def main():
    threads = [threading.Thread(target=worker, args=(c,)) for c in range(wtclient.CLIENTS)]
    threads.append(threading.Thread(target=fail_closed))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally.report()


if __name__ == "__main__":
    sys.exit(main())
