"""Checks a client's RESULT line again, independently of the client's own
verdict (test/integration/clients.sh).

usage: check_result.py RESULT-JSON CLIENTS REQUESTS TENANTS POOL REQUIRED-CHECK...
Prints "ok: ..." or "NOT OK: ..."; exits 0 either way (the script decides).
"""
import json
import sys

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
