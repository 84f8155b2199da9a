#!/usr/bin/env bash
# Operations benchmark of wellness_tenancy (docs/operations.md is the runbook).
# Everything is measured in one run on one throwaway cluster, each comparison
# interleaved with its baseline so that both see the same machine noise:
#
#   1. migration over N tenants (default 1,000, with data): CALL
#      wt_run_migrations() against the same DDL run by hand, one autocommit
#      statement per tenant, and by hand in transactions of 50 tenants
#      (target: within 1.2x of by hand);
#   2. provisioning time per tenant at 1,000 and at 10,000 tenants:
#      wt_create_tenant() against the case study's PL/pgSQL triggers
#      (reference/wellnesscorp-case-study.txt, verbatim) in a database beside
#      it (target: at least as fast);
#   3. backend memory after one session touches 1,000 tenants, with the
#      extension (wt_set_tenant) and with the case study's bare search_path;
#   4. a migration over 10,000 tenants with the default
#      max_locks_per_transaction (target: completes), and the same DDL in one
#      transaction (fails: out of shared memory);
#   5. pg_dump at 10,000 tenants: the whole database with default settings
#      (fails), one tenant with pg_dump -n (works), the whole database with
#      max_locks_per_transaction = 256.
#
#   bash bench/operations.sh                 # as root, after make install
#   WT_OPS_LARGE=3000 bash bench/operations.sh   # a quicker, smaller run
#   WT_OPS_PARTS=1 bash bench/operations.sh      # only the 1,000-tenant migration
#
# Takes about 20-30 minutes on a 2-core machine; it is not part of the test
# suite.  Results: bench/reports/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/lib/integration.sh ops-bench

SMALL=${WT_OPS_SMALL:-1000}          # provisioning measured at this many tenants...
LARGE=${WT_OPS_LARGE:-10000}         # ...and at this many
CHUNK=${WT_OPS_CHUNK:-50}            # tenants per timed chunk
ROUNDS=${WT_OPS_ROUNDS:-4}           # chunks per side, interleaved
MIG_TENANTS=${WT_OPS_MIG_TENANTS:-1000}
TOUCH=${WT_OPS_TOUCH:-1000}          # tenants one session touches (memory)
EMPLOYEES=${WT_OPS_EMPLOYEES:-200}   # per tenant in the migration databases...
LOGS=${WT_OPS_LOGS:-5}               # ...and wellness logs per employee
FILL_BATCH=200                       # tenants per transaction while filling
PARTS=${WT_OPS_PARTS:-"1 2"}         # 1: migration over MIG_TENANTS; 2: provisioning,
                                     # memory, migration and pg_dump at LARGE

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
fmt() { printf '%.*f' "${2:-2}" "$1"; }
ratio() { echo "$1 / $2" | bc -l; }
# Time to run a SQL file through psql, in seconds.
time_file() {
	local db=$1 file=$2 t0 t1
	t0=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$file" >/dev/null
	t1=$(now)
	secs "$t0" "$t1"
}

cluster_start bench
echo "machine: $(nproc) cores, $(uname -r); $(psql -X -At -d postgres -c 'SELECT version()')"
echo "settings: max_connections=$(q -d postgres -c 'SHOW max_connections'), max_locks_per_transaction=$(q -d postgres -c 'SHOW max_locks_per_transaction'), shared_buffers=$(q -d postgres -c 'SHOW shared_buffers'), fsync=$(q -d postgres -c 'SHOW fsync') (throwaway cluster)"
q -d postgres -c "CREATE ROLE wellness_app LOGIN"

# --- databases -----------------------------------------------------------

# Tenants t_<from>..t_<to>, FILL_BATCH to a transaction: STATEMENT is a
# printf format taking the first and last number of a batch.
fill() { # fill DB FROM TO STATEMENT
	local db=$1 from=$2 to=$3 statement=$4 lo hi
	for ((lo = from; lo <= to; lo += FILL_BATCH)); do
		hi=$((lo + FILL_BATCH - 1))
		[ "$hi" -le "$to" ] || hi=$to
		printf "$statement\n" "$lo" "$hi"
	done | q -d "$db" >/dev/null
}
# Through wt_create_tenant, and through the case study's INSERT INTO tenants.
fill_ext() { fill "$1" "$2" "$3" "SELECT count(wt_create_tenant('Company ' || i, 't_' || i)) FROM generate_series(%d, %d) i;"; }
fill_cs() { fill "$1" "$2" "$3" "INSERT INTO tenants (company_name, schema_name) SELECT 'Company ' || i, 't_' || i FROM generate_series(%d, %d) i;"; }
# The case study, verbatim: its registry and its two AFTER INSERT triggers.
create_case_study() {
	local db=$1
	q -d postgres -c "CREATE DATABASE $db"
	q -d "$db" -f test/lib/case_study.sql >/dev/null
}
# EMPLOYEES employees with LOGS wellness logs each in every tenant.
load_data() {
	local db=$1
	q -d "$db" -v employees="$EMPLOYEES" -v logs="$LOGS" >/dev/null <<-'SQL'
		SELECT set_config('bench.employees', :'employees', false), set_config('bench.logs', :'logs', false);
		DO $$
		DECLARE s text;
		BEGIN
		  FOR s IN SELECT schema_name FROM tenants LOOP
		    EXECUTE format('INSERT INTO %I.employees (email, full_name)
		                    SELECT format(''e%%s@example.com'', i), ''Employee '' || i
		                    FROM generate_series(1, current_setting(''bench.employees'')::int) i', s);
		    EXECUTE format('INSERT INTO %I.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
		                    SELECT e.id, (ARRAY[''yoga'', ''run'', ''swim'', ''walk''])[1 + n %% 4], 30, DATE ''2024-01-01'' + n
		                    FROM %I.employees e, generate_series(1, current_setting(''bench.logs'')::int) n', s, s);
		  END LOOP;
		END $$;
		VACUUM ANALYZE;
	SQL
}

# --- 1. one migration over MIG_TENANTS tenants --------------------------

if [[ " $PARTS " == *" 1 "* ]]; then
echo
echo "== 1. one migration over $MIG_TENANTS tenants ($EMPLOYEES employees, $((EMPLOYEES * LOGS)) wellness logs each)"
for db in mig_ext mig_hand mig_hand_tx; do
	q -d postgres -c "CREATE DATABASE $db"
	q -d "$db" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION wellness_tenancy'
	fill_ext "$db" 1 "$MIG_TENANTS"
	load_data "$db"
done
# By hand: one statement per tenant (autocommit), and the same in
# transactions of 50 tenants.
hand_file() {
	local ddl=$1 per_tx=$2 out=$3 i
	{
		for ((i = 1; i <= MIG_TENANTS; i++)); do
			if [ "$per_tx" -gt 1 ] && [ $(((i - 1) % per_tx)) = 0 ]; then echo "BEGIN;"; fi
			printf 'SET search_path = t_%d; %s\n' "$i" "$ddl"
			if [ "$per_tx" -gt 1 ] && { [ $((i % per_tx)) = 0 ] || [ "$i" = "$MIG_TENANTS" ]; }; then echo "COMMIT;"; fi
		done
	} >"$out"
}
migration_round() {
	local label=$1 version=$2 ddl=$3 order=$4 t_ext t_hand t_tx
	hand_file "$ddl" 1 "$work/hand.sql"
	hand_file "$ddl" 50 "$work/hand_tx.sql"
	q -d mig_ext -c 'SET client_min_messages = warning' -c "SELECT wt_add_migration($version, '$label', \$ddl\$$ddl\$ddl\$)" >/dev/null
	echo "CALL wt_run_migrations(batch_size => 50);" >"$work/ext.sql"
	if [ "$order" = hand-first ]; then
		t_hand=$(time_file mig_hand "$work/hand.sql")
		t_tx=$(time_file mig_hand_tx "$work/hand_tx.sql")
		t_ext=$(PGOPTIONS='-c client_min_messages=warning' time_file mig_ext "$work/ext.sql")
	else
		t_ext=$(PGOPTIONS='-c client_min_messages=warning' time_file mig_ext "$work/ext.sql")
		t_tx=$(time_file mig_hand_tx "$work/hand_tx.sql")
		t_hand=$(time_file mig_hand "$work/hand.sql")
	fi
	[ "$(q -d mig_ext -c "SELECT count(*) FROM tenants WHERE schema_version = $version")" = "$MIG_TENANTS" ] ||
		{ echo "migration did not reach every tenant" >&2; exit 1; }
	[ "$(q -d mig_ext -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || { echo "drift after migration" >&2; exit 1; }
	printf '%-44s wt_run_migrations %7s s | by hand %7s s | by hand, tx of 50 %7s s | ratio %s (vs tx of 50: %s)\n' \
		"$label:" "$(fmt "$t_ext")" "$(fmt "$t_hand")" "$(fmt "$t_tx")" \
		"$(fmt "$(ratio "$t_ext" "$t_hand")")" "$(fmt "$(ratio "$t_ext" "$t_tx")")"
	echo "$t_ext $t_hand $t_tx" >>"$work/migration_rounds"
}
migration_round "index on wellness_logs(activity_type, log_date)" 3 \
	'CREATE INDEX wellness_logs_activity_idx ON wellness_logs (activity_type, log_date);' hand-first
migration_round "column employees.nickname" 4 \
	'ALTER TABLE employees ADD COLUMN nickname text;' ext-first
migration_round "index on employees(full_name)" 5 \
	'CREATE INDEX employees_full_name_idx ON employees (full_name);' ext-first
read -r sum_ext sum_hand sum_tx < <(awk '{e += $1; h += $2; t += $3} END {print e, h, t}' "$work/migration_rounds")
echo "migration total over 3 DDLs: ratio $(fmt "$(ratio "$sum_ext" "$sum_hand")") against by hand (target <= 1.2), $(fmt "$(ratio "$sum_ext" "$sum_tx")") against by hand in transactions of 50"
for db in mig_ext mig_hand mig_hand_tx; do q -d postgres -c "DROP DATABASE $db"; done
fi
[[ " $PARTS " == *" 2 "* ]] || { echo; echo "operations benchmark: done"; exit 0; }

# --- 2 and 3. provisioning per tenant at SMALL and LARGE tenants; memory ----

echo
echo "== 2. provisioning per tenant, wt_create_tenant against the case study's triggers"
q -d postgres -c 'CREATE DATABASE ext'
q -d ext -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION wellness_tenancy'
create_case_study cs

# Creates CHUNK tenants, one statement (and transaction) each, as an
# application signing up companies would; ROUNDS chunks per side,
# alternating.  Prints ms per tenant: over all chunks, and the best chunk.
provision_rounds() {
	local stage=$1 r i t
	: >"$work/ext.times"
	: >"$work/cs.times"
	for ((r = 1; r <= ROUNDS; r++)); do
		for ((i = 1; i <= CHUNK; i++)); do
			echo "SELECT wt_create_tenant('Signup $stage $r $i', 'n_${stage}_${r}_$i');"
		done >"$work/ext.sql"
		for ((i = 1; i <= CHUNK; i++)); do
			echo "INSERT INTO tenants (company_name, schema_name) VALUES ('Signup $stage $r $i', 'n_${stage}_${r}_$i');"
		done >"$work/cs.sql"
		if [ $((r % 2)) = 1 ]; then
			time_file ext "$work/ext.sql" >>"$work/ext.times"
			time_file cs "$work/cs.sql" >>"$work/cs.times"
		else
			time_file cs "$work/cs.sql" >>"$work/cs.times"
			time_file ext "$work/ext.sql" >>"$work/ext.times"
		fi
	done
	local ext_ms cs_ms ext_best cs_best
	ext_ms=$(awk -v n=$((ROUNDS * CHUNK)) '{s += $1} END {print 1000 * s / n}' "$work/ext.times")
	cs_ms=$(awk -v n=$((ROUNDS * CHUNK)) '{s += $1} END {print 1000 * s / n}' "$work/cs.times")
	ext_best=$(sort -g "$work/ext.times" | head -n1 | awk -v n="$CHUNK" '{print 1000 * $1 / n}')
	cs_best=$(sort -g "$work/cs.times" | head -n1 | awk -v n="$CHUNK" '{print 1000 * $1 / n}')
	printf 'at %6d tenants: wt_create_tenant %6s ms/tenant (best chunk %s) | case study triggers %6s ms/tenant (best chunk %s) | ratio %s\n' \
		"$(q -d ext -c 'SELECT count(*) FROM tenants')" "$(fmt "$ext_ms" 1)" "$(fmt "$ext_best" 1)" \
		"$(fmt "$cs_ms" 1)" "$(fmt "$cs_best" 1)" "$(fmt "$(ratio "$ext_ms" "$cs_ms")")"
}

# One session touches TOUCH tenants (one query on both tables each); backend
# memory before and after, from pg_backend_memory_contexts.
memory_touch() {
	local db=$1 kind=$2 i
	{
		echo "SELECT sum(total_bytes) FROM pg_backend_memory_contexts \\gset before_"
		echo "SELECT sum(total_bytes) FROM pg_backend_memory_contexts WHERE name = 'CacheMemoryContext' OR parent = 'CacheMemoryContext' \\gset before_cache_"
		for ((i = 1; i <= TOUCH; i++)); do
			if [ "$kind" = ext ]; then
				echo "SELECT wt_set_tenant('t_$i') \\g /dev/null"
			else
				echo "SET search_path = t_$i, public;"
			fi
			echo "SELECT count(*) FROM employees e LEFT JOIN wellness_logs l ON l.employee_id = e.id \\g /dev/null"
		done
		if [ "$kind" = ext ]; then echo "RESET wellness_tenancy.tenant;"; fi
		echo "SELECT :before_sum, sum(total_bytes), :before_cache_sum, sum(total_bytes) FILTER (WHERE name = 'CacheMemoryContext' OR parent = 'CacheMemoryContext'), coalesce(sum(total_bytes) FILTER (WHERE name LIKE 'wellness_tenancy%'), 0) FROM pg_backend_memory_contexts;"
	} >"$work/touch.sql"
	psql -X -q -v ON_ERROR_STOP=1 -At -F ' ' -d "$db" -f "$work/touch.sql"
}
memory_report() {
	local stage=$1 b a bc ac reg b2 a2 bc2 ac2 reg2
	read -r b a bc ac reg < <(memory_touch ext ext)
	read -r b2 a2 bc2 ac2 reg2 < <(memory_touch cs cs)
	printf 'memory, %d tenants touched by one session (%d registered): extension %s KB/tenant (backend %s -> %s MB, catalog caches %s -> %s MB, registry cache %s KB) | bare search_path %s KB/tenant (backend %s -> %s MB) | ratio %s\n' \
		"$TOUCH" "$stage" \
		"$(fmt "$(echo "($a - $b) / 1024 / $TOUCH" | bc -l)" 1)" "$(fmt "$(echo "$b / 1048576" | bc -l)" 1)" "$(fmt "$(echo "$a / 1048576" | bc -l)" 1)" \
		"$(fmt "$(echo "$bc / 1048576" | bc -l)" 1)" "$(fmt "$(echo "$ac / 1048576" | bc -l)" 1)" "$(fmt "$(echo "$reg / 1024" | bc -l)" 0)" \
		"$(fmt "$(echo "($a2 - $b2) / 1024 / $TOUCH" | bc -l)" 1)" "$(fmt "$(echo "$b2 / 1048576" | bc -l)" 1)" "$(fmt "$(echo "$a2 / 1048576" | bc -l)" 1)" \
		"$(fmt "$(echo "($a - $b) / ($a2 - $b2)" | bc -l)")"
}

t0=$(now)
fill_ext ext 1 "$SMALL"
t1=$(now)
fill_cs cs 1 "$SMALL"
t2=$(now)
echo "filled to $SMALL tenants: extension $(fmt "$(secs "$t0" "$t1")" 1) s, case study $(fmt "$(secs "$t1" "$t2")" 1) s (transactions of $FILL_BATCH)"
provision_rounds small
echo
echo "== 3. backend memory"
memory_report "$SMALL"

t0=$(now)
fill_ext ext $((SMALL + 1)) "$LARGE"
t1=$(now)
fill_cs cs $((SMALL + 1)) "$LARGE"
t2=$(now)
echo
echo "filled to $LARGE tenants: extension $(fmt "$(secs "$t0" "$t1")" 1) s, case study $(fmt "$(secs "$t1" "$t2")" 1) s"
echo "== 2. (continued)"
provision_rounds large
echo "== 3. (continued)"
memory_report "$LARGE"
q -d postgres -c 'DROP DATABASE cs'

# --- 4. migration over LARGE tenants, default lock settings ---------------

tenants=$(q -d ext -c 'SELECT count(*) FROM tenants')
echo
echo "== 4. one migration over $tenants tenants, max_locks_per_transaction = $(q -d ext -c 'SHOW max_locks_per_transaction')"
# The same DDL in one transaction, as a single migration script would run it
# (rolled back if it gets through).
t0=$(now)
if out=$(q -d ext 2>&1 <<-'SQL'
	BEGIN;
	DO $$
	DECLARE s text;
	BEGIN
	  FOR s IN SELECT schema_name FROM tenants ORDER BY schema_name LOOP
	    EXECUTE format('CREATE INDEX wellness_logs_activity_idx ON %I.wellness_logs (activity_type)', s);
	  END LOOP;
	END $$;
	ROLLBACK;
SQL
); then
	echo "one transaction: completed (rolled back) in $(fmt "$(secs "$t0" "$(now)")" 1) s"
else
	echo "one transaction: fails after $(fmt "$(secs "$t0" "$(now)")" 1) s: $(grep -m1 'ERROR' <<<"$out") $(grep -m1 'HINT' <<<"$out")"
fi
q -d ext -c 'SET client_min_messages = warning' \
	-c "SELECT wt_add_migration((SELECT max(version) + 1 FROM tenant_migrations), 'index on activity type', 'CREATE INDEX wellness_logs_activity_idx ON wellness_logs (activity_type)')" >/dev/null
t0=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d ext -c 'CALL wt_run_migrations()' 2>"$work/run.log"
t1=$(now)
grep -E 'batch (1|[0-9]*00):|finished' "$work/run.log" | sed -n '1p;$p'
behind=$(q -d ext -c "SELECT count(*) FROM tenants WHERE schema_version < (SELECT max(version) FROM tenant_migrations)")
echo "wt_run_migrations: $tenants tenants in $(fmt "$(secs "$t0" "$t1")" 1) s ($(fmt "$(echo "$tenants / $(secs "$t0" "$t1")" | bc -l)" 0) tenants/s), $behind behind afterwards, drift rows: $(q -d ext -c 'SELECT count(*) FROM wt_tenant_drift()')"

# --- 5. pg_dump at LARGE tenants -----------------------------------------

echo
echo "== 5. pg_dump at $tenants tenants ($(q -d ext -c "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace IN (SELECT to_regnamespace(schema_name) FROM tenants)") tenant tables)"
t0=$(now)
if out=$(pg_dump -Fc -f "$work/full.dump" ext 2>&1); then
	echo "full pg_dump, default settings: ok in $(fmt "$(secs "$t0" "$(now)")" 1) s"
else
	echo "full pg_dump, default settings: fails after $(fmt "$(secs "$t0" "$(now)")" 1) s: $(grep -m1 -o 'out of shared memory.*\|ERROR.*' <<<"$out" | head -n1)"
fi
one=t_$((LARGE / 2))
t0=$(now)
pg_dump -Fc -n "$one" -f "$work/one.dump" ext
echo "pg_dump -n $one, default settings: ok in $(fmt "$(secs "$t0" "$(now)")" 1) s, $(stat -c %s "$work/one.dump") bytes"
echo "max_locks_per_transaction = 256" >>"$bench_DATA/cluster.conf"
runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$bench_DATA" -l "$bench_LOG" -w -m fast restart >/dev/null
t0=$(now)
pg_dump -Fc -f "$work/full.dump" ext
echo "full pg_dump, max_locks_per_transaction = 256: ok in $(fmt "$(secs "$t0" "$(now)")" 1) s, $(stat -c %s "$work/full.dump") bytes"
echo
echo "operations benchmark: done"
