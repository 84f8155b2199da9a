#!/usr/bin/python3
"""The enforcement workload over the extended protocol, for bench/protocol_cost.sh.

One connection (one backend) runs, with every statement a named protocol-level
prepared statement (psycopg 3, prepare_threshold=0: Parse once, then
Bind/Execute; parameters bound as $1):

  SELECT pg_backend_pid()                      printed first ("pid N")
  [pinned: set the tenant once, session level]
  a warm-up transaction on every tenant of the working set
  NTXN transactions: BEGIN; [switch: set the tenant, transaction-local];
                     lookup; total; COMMIT
  [--plans: a transaction under the last tenant listing wt_tenant_plans(),
   printed as "plan ..." lines]

Tenants and employees come from the same fixed pseudo-random sequence as the
single-user scripts of test/lib/enforcement_workload.sh (seed 20240601), so
every system runs the same transactions.  Prints "found F of T": the lookups
that returned their employee's row (full_name is the tenant's schema name).

  protocol_driver.py --port P --db DB --system case_study|ext|rls
      --tenancy switch|pinned --txns N --ntenants T --nemp E
      --set-local SQL --set-session SQL --lookup SQL --total SQL
      [--options '-c ...'] [--plans]

The SQL texts carry psycopg placeholders (%s) where the workload has $1.
"""
import argparse
import sys

import psycopg


class Sequence:
    """The awk generator of wt_bench_single_user_sql: rnd(m) in 1..m."""

    def __init__(self, seed=20240601):
        self.seed = seed

    def rnd(self, m):
        self.seed = (self.seed * 1103515245 + 12345) % 2147483648
        return (self.seed // 65536) % m + 1


def main():
    ap = argparse.ArgumentParser()
    for name in ("--port", "--db", "--system", "--tenancy", "--set-local", "--set-session", "--lookup", "--total"):
        ap.add_argument(name, required=True)
    for name in ("--txns", "--ntenants", "--nemp"):
        ap.add_argument(name, type=int, required=True)
    ap.add_argument("--options", default="")
    ap.add_argument("--plans", action="store_true")
    args = ap.parse_args()

    nwork = min(args.ntenants, 100)
    work = [1 + (i * args.ntenants) // nwork for i in range(nwork)]
    pinned = work[nwork // 2]
    seq = Sequence()
    found = 0
    total = 0

    with psycopg.connect(host="127.0.0.1", port=args.port, dbname=args.db, user="wellness_app",
                         options=args.options, autocommit=True, prepare_threshold=0) as conn:
        cur = conn.cursor()
        cur.execute("SELECT pg_backend_pid()")
        print("pid", cur.fetchone()[0], flush=True)

        def txn(t, e):
            nonlocal found, total
            cur.execute("BEGIN")
            if args.tenancy == "switch":
                cur.execute(args.set_local, (str(t),))
            cur.execute(args.lookup, (str(e),))
            rows = cur.fetchall()
            total += 1
            if len(rows) == 1 and rows[0][1] == "tenant_%d" % t:
                found += 1
            cur.execute(args.total, (str(e),))
            cur.fetchall()
            cur.execute("COMMIT")

        if args.tenancy == "pinned":
            cur.execute(args.set_session, (str(pinned),))
        for i in range(nwork):
            txn(work[i] if args.tenancy == "switch" else pinned, 1 + ((i + 1) % args.nemp))
        t = pinned
        for _ in range(args.txns):
            t = work[seq.rnd(nwork) - 1]
            txn(t if args.tenancy == "switch" else pinned, seq.rnd(args.nemp))
        if args.tenancy == "pinned":
            t = pinned
        if args.plans:
            # in tenant context wt_tenant_plans() lists the tenant's own
            # copies: those of the last transaction's tenant
            cur.execute("BEGIN")
            if args.tenancy == "switch":
                cur.execute(args.set_local, (str(t),))
            cur.execute("SELECT current_setting('wellness_tenancy.tenant_plans')")
            print("plan cap (wellness_tenancy.tenant_plans):", cur.fetchone()[0])
            cur.execute("SELECT statement, tenant, generic_plans, custom_plans, valid FROM public.wt_tenant_plans()")
            for row in cur.fetchall():
                print("plan", *row)
            cur.execute("COMMIT")
    print("found %d of %d" % (found, total), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except psycopg.Error as e:
        print("protocol_driver: %s: %s" % (e.sqlstate, e), file=sys.stderr)
        sys.exit(1)
