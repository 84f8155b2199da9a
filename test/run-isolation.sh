#!/usr/bin/env bash
# Runs the isolation tester specs specs/*.spec (the Makefile's ISOLATION)
# against a throwaway cluster with wellness_tenancy preloaded.  Needs
# `make install`.  Extra arguments are postgresql.conf lines for the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/lib/cluster.sh

shopt -s nullglob
specs=(specs/*.spec)
echo "run-isolation: ${#specs[@]} specs"
if [ "${#specs[@]}" -eq 0 ]; then
	echo "run-isolation: nothing to run"
	exit 0
fi

pkglibdir=$("$PG_CONFIG" --pkglibdir)
if [ ! -f "$pkglibdir/wellness_tenancy.so" ]; then
	echo "run-isolation: $pkglibdir/wellness_tenancy.so is missing: run 'make install' first" >&2
	exit 1
fi

cluster_cleanup_on_exit
cluster_start isolation "$@"

rm -rf output_iso

# REGRESS= : PGXS's installcheck runs the pg_regress cases too; those are
# test/run-regress.sh's job.
if ! make -s installcheck REGRESS= PG_CONFIG="$PG_CONFIG"; then
	if [ -f output_iso/regression.diffs ]; then
		echo "==== output_iso/regression.diffs ===="
		cat output_iso/regression.diffs
	fi
	echo "run-isolation: FAILED" >&2
	exit 1
fi
