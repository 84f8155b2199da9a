"""What every Python client of test/integration/clients.sh shares.

The script passes, in the environment:
  WT_HOST, WT_PORT, WT_DB, WT_USER   PgBouncer (transaction mode) and the app role
  WT_EXPECTED   JSON {schema: {"company": name, "employees": count}} for every tenant
  WT_CLIENTS    concurrent clients (threads or tasks), WT_REQUESTS requests each

A client runs its requests, records one Request per request, checks the
fail-closed cases, and prints one line "RESULT <json>" (Tally.report) that the
script checks again.  A client exits 1 when any check of its own fails.
"""
import json
import os
import sys
import threading

HOST = os.environ["WT_HOST"]
PORT = int(os.environ["WT_PORT"])
DB = os.environ["WT_DB"]
USER = os.environ["WT_USER"]
EXPECTED = json.loads(os.environ["WT_EXPECTED"])
CLIENTS = int(os.environ.get("WT_CLIENTS", "8"))
REQUESTS = int(os.environ.get("WT_REQUESTS", "60"))
SCHEMAS = sorted(EXPECTED)


def tenant_for(client, i):
    """The schema request i of client serves: every client walks all tenants,
    from a different starting point, so all tenants run at the same time."""
    return SCHEMAS[(client * 7 + i) % len(SCHEMAS)]


def foreign(schema, emails):
    """The emails in a request's result that are not this tenant's."""
    return [e for e in emails if not e.endswith("@" + schema + ".example")]


class Tally:
    """Thread-safe record of what the requests saw."""

    def __init__(self, driver):
        self.driver = driver
        self.lock = threading.Lock()
        self.requests = 0
        self.rows = 0
        self.foreign_rows = 0
        self.wrong_count = 0
        self.inherited = 0
        self.errors = []
        self.tenants = set()
        self.backends = {}  # backend pid -> set of tenants it served
        self.checks = {}  # fail-closed cases: name -> what happened
        self.problems = []

    def request(self, schema, pid, tenant_at_start, emails):
        """One finished request: pid served it, tenant_at_start was the tenant
        in force before it set its own, emails what its read returned."""
        bad = foreign(schema, emails)
        with self.lock:
            self.requests += 1
            self.rows += len(emails)
            self.foreign_rows += len(bad)
            if len(emails) != EXPECTED[schema]["employees"]:
                self.wrong_count += 1
            if tenant_at_start:
                self.inherited += 1
            self.tenants.add(schema)
            self.backends.setdefault(pid, set()).add(schema)
            if bad:
                self.problems.append("%s saw %d foreign rows, e.g. %s" % (schema, len(bad), bad[0]))

    def error(self, message):
        with self.lock:
            self.errors.append(message)

    def check(self, name, sqlstate, rows, expected_sqlstates):
        """A fail-closed case: it must fail with one of expected_sqlstates and
        return no row."""
        with self.lock:
            self.checks[name] = {"sqlstate": sqlstate, "rows": rows}
            if sqlstate not in expected_sqlstates or rows:
                self.problems.append("%s: expected an error %s and no row, got %s and %d rows"
                                     % (name, "/".join(expected_sqlstates), sqlstate, rows))

    def report(self):
        """Prints the RESULT line; returns the exit status."""
        expected_requests = CLIENTS * REQUESTS
        if self.requests != expected_requests:
            self.problems.append("%d of %d requests finished" % (self.requests, expected_requests))
        for what in ("foreign_rows", "wrong_count", "inherited"):
            if getattr(self, what):
                self.problems.append("%s = %d" % (what, getattr(self, what)))
        if self.errors:
            self.problems.append("%d requests failed, first: %s" % (len(self.errors), self.errors[0]))
        out = {
            "driver": self.driver,
            "clients": CLIENTS,
            "requests": self.requests,
            "rows": self.rows,
            "foreign_rows": self.foreign_rows,
            "wrong_count": self.wrong_count,
            "inherited": self.inherited,
            "errors": len(self.errors),
            "tenants": len(self.tenants),
            "backends": len(self.backends),
            "max_tenants_per_backend": max((len(t) for t in self.backends.values()), default=0),
            "checks": self.checks,
            "problems": self.problems,
        }
        print("RESULT " + json.dumps(out, sort_keys=True))
        sys.stdout.flush()
        return 1 if self.problems else 0
