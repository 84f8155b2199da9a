#!/usr/bin/env bash
# Checks that test/schedule and the pg_regress case files agree:
#  - every sql/NAME.sql (but the extension scripts sql/wellness_tenancy--*.sql)
#    is listed in test/schedule as "test: NAME";
#  - every name in the schedule has sql/NAME.sql and expected/NAME.out, once;
#  - every isolation spec specs/NAME.spec has expected/NAME.out.
# A case that is not in the schedule never runs, and nobody notices.
set -euo pipefail
cd "$(dirname "$0")/.."

problems=0
problem() {
	echo "check-schedule: $*" >&2
	problems=$((problems + 1))
}

# Names in the schedule; a line may list several ("test: a b").
mapfile -t scheduled < <(sed -n 's/^test:[[:space:]]*//p' test/schedule | tr -s ' \t' '\n' | sed '/^$/d')

declare -A seen=()
for name in "${scheduled[@]}"; do
	[ -z "${seen[$name]:-}" ] || problem "test/schedule lists '$name' twice"
	seen[$name]=1
	[ -f "sql/$name.sql" ] || problem "test/schedule lists '$name' but sql/$name.sql does not exist"
	[ -f "expected/$name.out" ] || problem "case '$name' has no expected output expected/$name.out"
done

shopt -s nullglob
for file in sql/*.sql; do
	name=$(basename "$file" .sql)
	case $name in wellness_tenancy--*) continue ;; esac
	[ -n "${seen[$name]:-}" ] || problem "$file is not listed in test/schedule (add 'test: $name')"
done

for file in specs/*.spec; do
	name=$(basename "$file" .spec)
	[ -f "expected/$name.out" ] || problem "isolation spec $file has no expected output expected/$name.out"
done

if [ "$problems" -gt 0 ]; then
	echo "check-schedule: $problems problem(s)" >&2
	exit 1
fi
echo "check-schedule: ${#scheduled[@]} regression case(s) in test/schedule, all with sql/ and expected/ files"
