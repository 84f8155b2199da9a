"""What every Python client of test/integration/clients.sh shares.

The script passes, in the environment:
  WT_HOST, WT_PORT, WT_DB, WT_USER   PgBouncer (transaction mode) and the app role
  WT_EXPECTED   JSON {schema: {"company": name, "employees": count}} for every tenant
  WT_CLIENTS    concurrent clients (threads or tasks), WT_REQUESTS requests each
  WT_PREPARED   "1": the driver's server-side prepared statements on (what
                docs/clients.md says not to do behind a transaction pooler),
                to show what breaks and that no request is served another
                tenant's rows even then; the fail-closed cases do not run

A client runs its requests, records one Request per request, checks the
fail-closed cases, and prints one line "RESULT <json>" (Tally.report) that the
script checks again.  A client exits 1 when any check of its own fails.
"""
import collections
import json
import os
import re
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
PREPARED = os.environ.get("WT_PREPARED") == "1"
TENANT_EMAIL = re.compile(r"@tenant_[0-9]+\.example$")


def tenant_for(client, i):
    """The schema request i of client serves: every client walks all tenants,
    from a different starting point, so all tenants run at the same time."""
    return SCHEMAS[(client * 7 + i) % len(SCHEMAS)]


def foreign(schema, emails):
    """The rows of a request's result that are another tenant's employees."""
    return [e for e in emails
            if isinstance(e, str) and TENANT_EMAIL.search(e) and not e.endswith("@" + schema + ".example")]


def garbled(emails):
    """The rows that are no employee's email at all (with prepared statements
    on, a request may run another client's statement of the same name)."""
    return [e for e in emails if not (isinstance(e, str) and TENANT_EMAIL.search(e))]


class Tally:
    """Thread-safe record of what the requests saw."""

    def __init__(self, driver):
        self.driver = driver
        self.lock = threading.Lock()
        self.requests = 0
        self.rows = 0
        self.foreign_rows = 0
        self.wrong_count = 0
        self.garbled = 0
        self.inherited = 0
        self.errors = []
        self.error_states = collections.Counter()
        self.tenants = set()
        self.backends = {}  # backend pid -> set of tenants it served
        self.checks = {}  # fail-closed cases: name -> what happened
        self.problems = []

    def request(self, schema, pid, tenant_at_start, emails):
        """One finished request: pid served it, tenant_at_start was the tenant
        in force before it set its own, emails what its read returned."""
        bad = foreign(schema, emails)
        with self.lock:
            self.foreign_rows += len(bad)
            if bad:
                self.problems.append("%s saw %d foreign rows, e.g. %s" % (schema, len(bad), bad[0]))
            if garbled(emails) or not isinstance(pid, int) or not isinstance(tenant_at_start, str):
                self.garbled += 1
                return
            self.requests += 1
            self.rows += len(emails)
            if len(emails) != EXPECTED[schema]["employees"]:
                self.wrong_count += 1
            if tenant_at_start:
                self.inherited += 1
            self.tenants.add(schema)
            self.backends.setdefault(pid, set()).add(schema)

    def error(self, sqlstate, message):
        """A request that failed with sqlstate (None: not a server error)."""
        with self.lock:
            self.errors.append("%s: %s" % (sqlstate, message))
            self.error_states[str(sqlstate)] += 1

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
        finished = self.requests + self.garbled + len(self.errors)
        if finished != expected_requests:
            self.problems.append("%d of %d requests finished" % (finished, expected_requests))
        for what in ("foreign_rows", "wrong_count", "inherited"):
            if getattr(self, what):
                self.problems.append("%s = %d" % (what, getattr(self, what)))
        if self.errors and not PREPARED:
            self.problems.append("%d requests failed, first: %s" % (len(self.errors), self.errors[0]))
        if self.garbled and not PREPARED:
            self.problems.append("%d requests read something else than employees' emails" % self.garbled)
        out = {
            "driver": self.driver,
            "prepared": PREPARED,
            "garbled": self.garbled,
            "error_states": dict(self.error_states),
            "first_errors": sorted(set(self.errors))[:3],
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
