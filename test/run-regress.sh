#!/usr/bin/env bash
# Runs the pg_regress cases of test/schedule (the Makefile's REGRESS) against a
# throwaway cluster with wellness_tenancy preloaded.  Needs `make install`.
# Extra arguments are postgresql.conf lines for the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/lib/cluster.sh

bash test/check-schedule.sh
bash test/check-sql-tree.sh

pkglibdir=$("$PG_CONFIG" --pkglibdir)
if [ ! -f "$pkglibdir/wellness_tenancy.so" ]; then
	echo "run-regress: $pkglibdir/wellness_tenancy.so is missing: run 'make install' first" >&2
	exit 1
fi

cluster_cleanup_on_exit
cluster_start regress "$@"

# Old results would make a failure look like it happened in this run.
rm -rf results regression.diffs regression.out

# ISOLATION= : PGXS's installcheck runs the isolation specs too; those are
# test/run-isolation.sh's job.
if ! make -s installcheck ISOLATION= PG_CONFIG="$PG_CONFIG"; then
	if [ -f regression.diffs ]; then
		echo "==== regression.diffs ===="
		cat regression.diffs
	fi
	echo "run-regress: FAILED" >&2
	exit 1
fi
