"""Checks a client's RESULT line again, independently of the client's own
verdict (test/integration/clients.sh).

usage: check_result.py RESULT-JSON CLIENTS REQUESTS TENANTS POOL REQUIRED-CHECK...
       check_result.py --prepared RESULT-JSON CLIENTS REQUESTS
Prints "ok: ..." or "NOT OK: ..."; exits 0 either way (the script decides).

--prepared: the run with the driver's server-side prepared statements on
(WT_PREPARED=1).  Requests may fail or run another client's statement, but
none may be served another tenant's rows or start with a tenant in force; and
some must have failed: the reason docs/clients.md gives for turning them off.
"""
import json
import sys


def prepared(r, clients, requests):
    bad = []
    finished = r["requests"] + r["garbled"] + r["errors"]
    if finished != clients * requests:
        bad.append("%d of %d requests finished" % (finished, clients * requests))
    if r["foreign_rows"] != 0:
        bad.append("FOREIGN ROWS: %d" % r["foreign_rows"])
    if r["inherited"]:
        bad.append("%d requests started with a tenant in force" % r["inherited"])
    if r["wrong_count"]:
        bad.append("%d requests saw fewer or more rows than their tenant has" % r["wrong_count"])
    broken = r["errors"] + r["garbled"]
    if broken == 0:
        bad.append("no request failed: prepared statements did not break behind the pooler")
    states = ", ".join("%s x%d" % kv for kv in sorted(r["error_states"].items()))
    if bad:
        return "NOT OK: %s with prepared statements: %s" % (r["driver"], "; ".join(bad))
    return ("ok: %s with prepared statements: %d of %d requests broken (errors: %s; %d ran another "
            "statement), none served another tenant's rows; e.g. %s"
            % (r["driver"], broken, finished, states or "none", r["garbled"],
               (r["first_errors"] or ["-"])[0].splitlines()[0][:160]))


if sys.argv[1] == "--prepared":
    print(prepared(json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    sys.exit(0)

r = json.loads(sys.argv[1])
clients, requests, tenants, pool = map(int, sys.argv[2:6])
required = sys.argv[6:]
bad = list(r["problems"])
if r["requests"] != clients * requests:
    bad.append("%d requests, expected %d" % (r["requests"], clients * requests))
if r["foreign_rows"] != 0:
    bad.append("FOREIGN ROWS: %d" % r["foreign_rows"])
if r["wrong_count"]:
    bad.append("%d requests saw fewer or more rows than their tenant has" % r["wrong_count"])
if r["inherited"]:
    bad.append("%d requests started with a tenant in force" % r["inherited"])
if r["errors"]:
    bad.append("%d requests failed" % r["errors"])
if r["tenants"] != tenants:
    bad.append("%d tenants served, expected %d" % (r["tenants"], tenants))
# The control: the clients really shared the pool's server connections, and
# one server connection served several tenants in turn.
if not 1 <= r["backends"] <= pool:
    bad.append("%d server backends for a pool of %d" % (r["backends"], pool))
if r["max_tenants_per_backend"] < 2:
    bad.append("no server backend served two tenants: isolation was not exercised")
for name in required:
    c = r["checks"].get(name)
    if c is None:
        bad.append("fail-closed check %s did not run" % name)
    elif c["sqlstate"] is None or c["rows"]:
        bad.append("fail-closed check %s: %s, %d rows" % (name, c["sqlstate"], c["rows"]))
checks = ", ".join("%s %s" % (n, c["sqlstate"]) for n, c in sorted(r["checks"].items()))
if bad:
    print("NOT OK: %s: %s" % (r["driver"], "; ".join(bad)))
else:
    print("ok: %s: %d requests by %d clients over %d tenants, %d rows, none foreign; %d server backends "
          "(up to %d tenants each); fail-closed: %s"
          % (r["driver"], r["requests"], r["clients"], r["tenants"], r["rows"], r["backends"],
             r["max_tenants_per_backend"], checks))
