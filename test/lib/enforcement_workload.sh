# shellcheck shell=bash disable=SC2016,SC2028,SC2059 # SQL text: literal $1, pgbench backslash commands, SQL templates as formats
# The enforcement workload, shared by test/integration/enforcement_cost.sh
# and bench/enforcement.sh (tests never source bench/; the benchmark sources this):
# builds the three databases of the enforcement benchmark and measures the
# per-tenant workload with pgbench (TPS) and callgrind (instructions).
#
#   (a) case study  what users replace: PostgreSQL without the extension
#              (shared_preload_libraries = ''), the case study's registry and
#              triggers (test/lib/case_study.sql) with the foreign-key index
#              it lacks, one schema per tenant, the tenant chosen by
#              SET search_path; the same rows as (b)
#   (a') plain the extension's own database, run without the library (a bare
#              search_path over the tenants wt_create_tenant made); the
#              benchmark's second column
#   (b) ext    the extension enforcing: schema per tenant provisioned by
#              wt_create_tenant, the app role with require_tenant on, the
#              tenant set with wt_set_tenant (and local_tenant_only on when the
#              tenant is switched per transaction, as behind a pooler)
#   (c) rls    a cluster without the extension, one shared employees and
#              wellness_logs with tenant_id and a row-level security policy
#              on current_setting('app.tenant_id')
#
# The workload (one transaction): look up an employee by email, sum their
# wellness minutes.  Both statements use unqualified names, so (a) and (b)
# resolve them through search_path and (c) through the policy.
#
# Source after test/lib/cluster.sh.  Functions take the database name and use
# PGHOST/PGPORT/PGUSER as cluster_start exported them, unless PGPORT is given.

WT_BENCH_NEMP=${WT_BENCH_NEMP:-20}    # employees per tenant
WT_BENCH_NLOGS=${WT_BENCH_NLOGS:-5}   # wellness_logs rows per employee
WT_BENCH_BATCH=200                    # tenants per transaction while provisioning

wt_psql() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# --- building the databases --------------------------------------------------

# wt_bench_create_ext DB NTENANTS: the extension, the app role, NTENANTS
# tenants tenant_1..tenant_N through wt_create_tenant, and their rows.
wt_bench_create_ext() {
	local db=$1 nt=$2 lo hi
	wt_psql -d postgres -c "CREATE DATABASE $db"
	wt_psql -d "$db" -c "CREATE EXTENSION wellness_tenancy"
	{
		for ((lo = 1; lo <= nt; lo += WT_BENCH_BATCH)); do
			hi=$((lo + WT_BENCH_BATCH - 1))
			[ "$hi" -le "$nt" ] || hi=$nt
			echo "SELECT count(wellness_tenancy_bench_ok) FROM (SELECT wt_create_tenant('Company ' || i, 'tenant_' || i) AS wellness_tenancy_bench_ok FROM generate_series($lo, $hi) i) s;"
		done
	} | wt_psql -d "$db" >/dev/null
	wt_bench_load_schemas "$db" "$nt"
}

# wt_bench_create_case_study DB NTENANTS: the case study's design, built the
# case study's way -- its registry and AFTER INSERT triggers create and grant
# tenant_1..tenant_N -- plus the index on wellness_logs(employee_id) that its
# template lacks and every deployment adds, and the same rows as
# wt_bench_create_ext.
wt_bench_create_case_study() {
	local db=$1 nt=$2 lo hi
	wt_psql -d postgres -c "CREATE DATABASE $db"
	wt_psql -d "$db" -f "$(dirname "${BASH_SOURCE[0]}")/case_study.sql" >/dev/null
	{
		for ((lo = 1; lo <= nt; lo += WT_BENCH_BATCH)); do
			hi=$((lo + WT_BENCH_BATCH - 1))
			[ "$hi" -le "$nt" ] || hi=$nt
			echo "INSERT INTO tenants (company_name, schema_name) SELECT 'Company ' || i, 'tenant_' || i FROM generate_series($lo, $hi) i;"
			echo "DO \$\$ BEGIN FOR i IN $lo..$hi LOOP EXECUTE format('CREATE INDEX ON %I.wellness_logs (employee_id)', 'tenant_' || i); END LOOP; END \$\$;"
		done
	} | wt_psql -d "$db" >/dev/null
	wt_bench_load_schemas "$db" "$nt"
}

# Rows of every tenant schema: employees e1..eN@example.com with full_name =
# the schema name, NLOGS wellness_logs each, notes = the schema name.  Keys
# are derived from the schema and row number, not random, so that every
# database built for a comparison holds the same rows in the same order and
# plans the same way (random uuids alone moved the measured ratio by 2%).
wt_bench_load_schemas() {
	local db=$1 nt=$2
	wt_psql -d "$db" -v ntenants="$nt" -v nemp="$WT_BENCH_NEMP" -v nlogs="$WT_BENCH_NLOGS" \
		-v batch="$WT_BENCH_BATCH" <<-'SQL' >/dev/null
		SELECT set_config('bench.ntenants', :'ntenants', false), set_config('bench.nemp', :'nemp', false),
		       set_config('bench.nlogs', :'nlogs', false), set_config('bench.batch', :'batch', false);
		DO $$
		DECLARE s text;
		BEGIN
		    FOR i IN 1..current_setting('bench.ntenants')::int LOOP
		        s := 'tenant_' || i;
		        EXECUTE format($f$INSERT INTO %1$I.employees (id, email, full_name)
		                         SELECT md5(%1$L || '/e' || g)::uuid, 'e' || g || '@example.com', %1$L
		                         FROM generate_series(1, %2$s) g$f$,
		                       s, current_setting('bench.nemp')::int);
		        EXECUTE format($f$INSERT INTO %1$I.wellness_logs (id, employee_id, activity_type, duration_minutes, log_date, notes)
		                         SELECT md5(e.id || '/l' || g)::uuid, e.id, (ARRAY['yoga', 'running', 'cycling'])[1 + g %% 3],
		                                10 * g, date '2024-01-01' + g, %1$L
		                         FROM %1$I.employees e, generate_series(1, %2$s) g$f$,
		                       s, current_setting('bench.nlogs')::int);
		        IF i % current_setting('bench.batch')::int = 0 THEN COMMIT; END IF;
		    END LOOP;
		END $$;
	SQL
}

# wt_bench_create_rls DB NTENANTS: the shared-schema equivalent with RLS.
wt_bench_create_rls() {
	local db=$1 nt=$2
	wt_psql -d postgres -c "CREATE DATABASE $db"
	wt_psql -d "$db" -v ntenants="$nt" -v nemp="$WT_BENCH_NEMP" -v nlogs="$WT_BENCH_NLOGS" <<-'SQL'
		CREATE TABLE employees (
		    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
		    tenant_id integer NOT NULL,
		    email varchar(255) NOT NULL,
		    full_name varchar(255),
		    created_at timestamptz NOT NULL DEFAULT now(),
		    UNIQUE (tenant_id, email)
		);
		CREATE TABLE wellness_logs (
		    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
		    tenant_id integer NOT NULL,
		    employee_id uuid REFERENCES employees(id) ON DELETE CASCADE,
		    activity_type varchar(50) NOT NULL,
		    duration_minutes integer,
		    log_date date NOT NULL,
		    notes text,
		    created_at timestamptz NOT NULL DEFAULT now()
		);
		CREATE INDEX wellness_logs_employee_id_idx ON wellness_logs (employee_id);
		ALTER TABLE employees ENABLE ROW LEVEL SECURITY;
		ALTER TABLE wellness_logs ENABLE ROW LEVEL SECURITY;
		CREATE POLICY tenant_isolation ON employees
		    USING (tenant_id = current_setting('app.tenant_id')::integer);
		CREATE POLICY tenant_isolation ON wellness_logs
		    USING (tenant_id = current_setting('app.tenant_id')::integer);
		GRANT SELECT, INSERT, UPDATE, DELETE ON employees, wellness_logs TO wellness_app;
		INSERT INTO employees (tenant_id, email, full_name)
		    SELECT t, 'e' || g || '@example.com', 'tenant_' || t
		    FROM generate_series(1, :ntenants) t, generate_series(1, :nemp) g
		    ORDER BY t, g;
		INSERT INTO wellness_logs (tenant_id, employee_id, activity_type, duration_minutes, log_date, notes)
		    SELECT e.tenant_id, e.id, (ARRAY['yoga', 'running', 'cycling'])[1 + g % 3], 10 * g,
		           date '2024-01-01' + g, e.full_name
		    FROM employees e, generate_series(1, :nlogs) g
		    ORDER BY e.tenant_id, e.email, g;
	SQL
}

# wt_bench_check SYSTEM DB: one transaction of the workload through psql as
# the app role must find tenant_3's employee e2 and the sum of its minutes,
# so that no system is "fast" because it finds nothing.
wt_bench_check() {
	local system=$1 db=$2 set_sql out
	case $system in
	plain | case_study) set_sql="SELECT set_config('search_path', 'tenant_3', true);" ;;
	ext) set_sql="SELECT wt_set_tenant('tenant_3', true);" ;;
	rls) set_sql="SELECT set_config('app.tenant_id', '3', true);" ;;
	esac
	out=$(wt_psql -U wellness_app -d "$db" <<-SQL
		BEGIN;
		$set_sql
		SELECT full_name FROM employees WHERE email = 'e2@example.com';
		SELECT sum(w.duration_minutes) FROM wellness_logs w JOIN employees e ON e.id = w.employee_id WHERE e.email = 'e2@example.com';
		END;
	SQL
	)
	out=$(tail -n 2 <<<"$out")
	local sum=$((10 * WT_BENCH_NLOGS * (WT_BENCH_NLOGS + 1) / 2))
	if [ "$out" != "$(printf 'tenant_3\n%s' "$sum")" ]; then
		echo "wt_bench_check: $system/$db: the workload did not find tenant_3's employee e2 and its $sum minutes; got:" >&2
		echo "$out" >&2
		return 1
	fi
}

# --- the workload as pgbench scripts -------------------------------------------

# wt_bench_set_sql SYSTEM VALUE IS_LOCAL: the statement that sets the tenant.
# VALUE is SQL text: a pgbench variable (:t), a parameter ($1) or a number.
wt_bench_set_sql() {
	local system=$1 value=$2 is_local=$3
	case $system in
	plain | case_study) echo "SELECT set_config('search_path', 'tenant_' || $value, $is_local);" ;;
	ext) echo "SELECT wt_set_tenant('tenant_' || $value, $is_local);" ;;
	rls) echo "SELECT set_config('app.tenant_id', $value::text, $is_local);" ;;
	esac
}

WT_BENCH_LOOKUP_SQL="SELECT id, full_name FROM employees WHERE email = 'e' || %s || '@example.com';"
WT_BENCH_TOTAL_SQL="SELECT sum(w.duration_minutes) FROM wellness_logs w JOIN employees e ON e.id = w.employee_id WHERE e.email = 'e' || %s || '@example.com';"

# wt_bench_pgbench_script SYSTEM TENANCY FILE: switch = a random tenant set
# with SET LOCAL semantics in every transaction; pinned = a random tenant set
# once per connection (session level) on its first transaction.
wt_bench_pgbench_script() {
	local system=$1 tenancy=$2 file=$3
	{
		if [ "$tenancy" = pinned ]; then
			echo '\if :pinned = 0'
			echo '\set t random(1, :ntenants)'
			wt_bench_set_sql "$system" :t false
			echo '\set pinned 1'
			echo '\endif'
		else
			echo '\set t random(1, :ntenants)'
		fi
		echo '\set e random(1, :nemp)'
		echo 'BEGIN;'
		[ "$tenancy" = pinned ] || wt_bench_set_sql "$system" :t true
		printf "$WT_BENCH_LOOKUP_SQL\n" :e
		printf "$WT_BENCH_TOTAL_SQL\n" :e
		echo 'END;'
	} >"$file"
}

# --- the workload as a single-user script for callgrind ---------------------------

# wt_bench_single_user_sql SYSTEM PROTOCOL TENANCY NTXN NTENANTS: the same
# transactions for `postgres --single` (one statement a line).  PROTOCOL
# simple sends literal SQL as pgbench -M simple does (variables substituted
# into the text); prepared uses PREPARE/EXECUTE, the same plan cache that
# pgbench -M prepared uses.  A prefix identical at every NTXN -- the role and
# settings, the prepared statements, one warm-up transaction on each tenant of
# the working set -- cancels out in the difference between two lengths.  The
# working set is 100 tenants spread over all NTENANTS (all of them at 100), so
# that 100 and 10,000 tenants run the same transactions on the same number
# of warm caches and differ only in how many tenants exist.
wt_bench_single_user_sql() {
	local system=$1 protocol=$2 tenancy=$3 ntxn=$4 ntenants=$5
	local set_local set_session lookup total
	set_local=$(wt_bench_set_sql "$system" '$1' true)
	set_session=$(wt_bench_set_sql "$system" '$1' false)
	lookup=$(printf "$WT_BENCH_LOOKUP_SQL" '$1')
	total=$(printf "$WT_BENCH_TOTAL_SQL" '$1')
	awk -v sys="$system" -v protocol="$protocol" -v tenancy="$tenancy" -v ntxn="$ntxn" \
		-v ntenants="$ntenants" -v nemp="$WT_BENCH_NEMP" -v set_local="$set_local" \
		-v set_session="$set_session" -v lookup="$lookup" -v total="$total" '
	# a fixed pseudo-random sequence (same at every length and for every system)
	function rnd(m) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % m + 1 }
	function subst(sql, value) { gsub(/\$1/, value, sql); return sql }
	function stmt(name, sql, value) {
		if (protocol == "prepared") print "EXECUTE " name "(\x27" value "\x27);"
		else print subst(sql, value)
	}
	function txn(t, e) {
		print "BEGIN;"
		if (tenancy == "switch") stmt("set_tenant", set_local, t)
		stmt("lookup", lookup, e)
		stmt("total", total, e)
		print "END;"
	}
	BEGIN {
		seed = 20240601
		nwork = ntenants < 100 ? ntenants : 100
		for (i = 1; i <= nwork; i++) work[i] = 1 + int((i - 1) * ntenants / nwork)
		if (sys == "ext") {
			print "SET wellness_tenancy.require_tenant = on;"
			if (tenancy == "switch") print "SET wellness_tenancy.local_tenant_only = on;"
			# SQL PREPARE stands in for a driver'"'"'s protocol-level prepared
			# statements, which serve every tenant and are not tagged; SQL
			# prepared statements are tagged with their tenant unless this is on
			if (tenancy == "switch" && protocol == "prepared") print "SET wellness_tenancy.shared_prepared_statements = on;"
		}
		print "SET SESSION AUTHORIZATION wellness_app;"
		pinned = work[1 + int(nwork / 2)]
		# statements are prepared where a tenant is in force (names must resolve)
		if (tenancy == "pinned") {
			print subst(set_session, pinned)
			if (protocol == "prepared") {
				print "PREPARE lookup(text) AS " lookup
				print "PREPARE total(text) AS " total
			}
		} else if (protocol == "prepared") {
			print "BEGIN;"
			print subst(set_local, work[1])
			print "PREPARE set_tenant(text) AS " set_local
			print "PREPARE lookup(text) AS " lookup
			print "PREPARE total(text) AS " total
			print "END;"
		}
		for (i = 1; i <= nwork; i++) txn(tenancy == "switch" ? work[i] : pinned, 1 + (i % nemp))
		for (i = 0; i < ntxn; i++) {
			t = work[rnd(nwork)]
			txn(tenancy == "switch" ? t : pinned, rnd(nemp))
		}
	}'
}

# wt_bench_callgrind DIR DATA DB SQLFILE OUTFILE [postgres args...]: runs the
# script in a single-user backend under callgrind; prints the instructions
# executed.  Fails when a statement failed (the script must run clean).
wt_bench_callgrind() {
	local dir=$1 data=$2 db=$3 sql=$4 out=$5
	shift 5
	local stdout=${out%.out}.stdout
	if ! cluster_as_postgres "$dir" valgrind --tool=callgrind --callgrind-out-file="$out" \
		"$(pg_config --bindir)/postgres" --single "$@" -D "$data" "$db" \
		<"$sql" >"$stdout" 2>"${out%.out}.stderr"; then
		echo "wt_bench_callgrind: postgres --single failed on $sql; end of its output:" >&2
		tail -n 20 "$stdout" "${out%.out}.stderr" >&2
		return 1
	fi
	if grep -q 'ERROR:' "$stdout" "${out%.out}.stderr"; then
		echo "wt_bench_callgrind: a statement of $sql failed:" >&2
		grep -h -m 5 -A 3 'ERROR:' "$stdout" "${out%.out}.stderr" >&2
		return 1
	fi
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out"
}

# wt_bench_instructions_per_txn DIR DATA DB SYSTEM PROTOCOL TENANCY NTENANTS N
# WORKDIR [postgres args...]: instructions per transaction, from the runs at N
# and 2N transactions: (I(2N) - I(N)) / N.  Leaves WORKDIR/<tag>.{N,2N}.out.
wt_bench_instructions_per_txn() {
	local dir=$1 data=$2 db=$3 system=$4 protocol=$5 tenancy=$6 ntenants=$7 n=$8 work=$9
	shift 9
	local tag="$system.$protocol.$tenancy.$ntenants" i1 i2
	wt_bench_single_user_sql "$system" "$protocol" "$tenancy" "$n" "$ntenants" >"$work/$tag.1.sql" || return 1
	wt_bench_single_user_sql "$system" "$protocol" "$tenancy" $((2 * n)) "$ntenants" >"$work/$tag.2.sql" || return 1
	# One run outside callgrind first: whatever a first run leaves behind
	# (relation cache init file, pruned pages) must not count in one
	# measured run and not in the other (1.8k instructions a transaction).
	cluster_as_postgres "$dir" "$(pg_config --bindir)/postgres" --single "$@" -D "$data" "$db" \
		<"$work/$tag.1.sql" >/dev/null 2>&1 || return 1
	i1=$(wt_bench_callgrind "$dir" "$data" "$db" "$work/$tag.1.sql" "$work/$tag.1.out" "$@") || return 1
	i2=$(wt_bench_callgrind "$dir" "$data" "$db" "$work/$tag.2.sql" "$work/$tag.2.out" "$@") || return 1
	# the workload must really have run: every lookup found its employee
	local found expected=$((2 * n + (ntenants < 100 ? ntenants : 100)))
	found=$(grep -c 'full_name = "tenant_' "$work/$tag.2.stdout" || true)
	if [ "$found" -ne "$expected" ]; then
		echo "wt_bench_instructions_per_txn: $tag: $found of $expected lookups found their employee" >&2
		return 1
	fi
	echo $(((i2 - i1) / n))
}

# wt_bench_extension_profile OUT1 OUT2 N: where the extension's instructions go,
# per transaction (difference of the runs at N and 2N transactions): for each
# function of wellness_tenancy.so its own instructions ("self") and everything
# it calls ("inclusive").  The inclusive cost of the executor and utility hooks
# includes the PostgreSQL functions they chain to (the whole executor); for
# the other functions it is the cost of the checks themselves.
wt_bench_extension_profile() {
	local out1=$1 out2=$2 n=$3 mode file
	for mode in no yes; do
		for file in "$out1" "$out2"; do
			callgrind_annotate --inclusive=$mode --threshold=100 "$file" 2>/dev/null |
				awk -v tag="$mode $([ "$file" = "$out1" ] && echo 1 || echo 2)" '
					/wellness_tenancy\.so\]/ {
						count = $1; gsub(/,/, "", count)
						name = $0
						sub(/ \[[^]]*\]$/, "", name)            # object file
						sub(/^ *[0-9,]+ *(\([ 0-9.]+%\))? */, "", name)
						sub(/^[^:]*:/, "", name)                 # source file
						sub(/^wellness_tenancy::/, "", name)
						sub(/^\(anonymous namespace\)::/, "", name)
						sub(/\(.*$/, "", name)                   # arguments
						print tag "\t" name "\t" count
					}'
		done
	done | awk -F '\t' -v n="$n" '
		{ split($1, t, " "); sign = t[2] == 2 ? 1 : -1; v[t[1], $2] += sign * $3; names[$2] = 1 }
		END {
			for (f in names) {
				s = v["no", f] / n; c = v["yes", f] / n
				if (s >= 0.5 || c >= 0.5) printf "    %-32s %10.0f %12.0f\n", f, s, c
			}
		}' | sort -k3,3 -n -r | { printf "    %-32s %10s %12s\n" "function, per transaction" self inclusive; cat; }
}

# wt_bench_single_user_enforces DIR DATA DB: proves the measured configurations
# are what they claim, in single-user backends like the callgrind runs: with
# the library preloaded and the (b) settings, tenant_1 reading tenant_2's
# table is refused with 42501; with shared_preload_libraries = '' (a) the
# same read returns tenant_2's rows.
wt_bench_single_user_enforces() {
	local dir=$1 data=$2 db=$3 out
	out=$(cluster_as_postgres "$dir" "$(pg_config --bindir)/postgres" --single -c log_error_verbosity=verbose \
		-D "$data" "$db" 2>&1 <<-'SQL'
		SET wellness_tenancy.require_tenant = on;
		SET SESSION AUTHORIZATION wellness_app;
		BEGIN;
		SELECT wt_set_tenant('tenant_1', true);
		SELECT count(*) AS other_tenant_rows FROM tenant_2.employees;
		END;
	SQL
	)
	if ! grep -q 'ERROR:  42501' <<<"$out" || grep -q 'other_tenant_rows = ' <<<"$out"; then
		echo "wt_bench_single_user_enforces: with the extension, tenant_1 was not refused tenant_2's table:" >&2
		echo "$out" >&2
		return 1
	fi
	out=$(cluster_as_postgres "$dir" "$(pg_config --bindir)/postgres" --single -c shared_preload_libraries= \
		-D "$data" "$db" 2>&1 <<-'SQL'
		SET SESSION AUTHORIZATION wellness_app;
		BEGIN;
		SELECT set_config('search_path', 'tenant_1', true);
		SELECT count(*) AS other_tenant_rows FROM tenant_2.employees;
		END;
	SQL
	)
	if grep -q 'ERROR' <<<"$out" || ! grep -q "other_tenant_rows = \"$WT_BENCH_NEMP\"" <<<"$out"; then
		echo "wt_bench_single_user_enforces: without the library, the same read did not return tenant_2's rows:" >&2
		echo "$out" >&2
		return 1
	fi
}

# --- the three databases of the benchmarks ---------------------------------------

# wt_bench_start_three: clusters ext (the module preloaded), cs and rls
# (nothing preloaded), autovacuum off, the app role in each; the work
# directory readable by the servers' user.
# shellcheck disable=SC2154 # <cluster>_PORT are set by cluster_start
wt_bench_start_three() {
	local port
	cluster_start ext "autovacuum = off"
	cluster_start cs "shared_preload_libraries = ''" "autovacuum = off"
	cluster_start rls "shared_preload_libraries = ''" "autovacuum = off"
	for port in "$ext_PORT" "$cs_PORT" "$rls_PORT"; do
		PGPORT=$port wt_psql -d postgres -c "CREATE ROLE wellness_app LOGIN"
	done
	chmod 755 "$work"
	[ "$(id -u)" -ne 0 ] || chown postgres: "$work"
}

# wt_bench_build_three CS EXT RLS NTENANTS: on the clusters of
# wt_bench_start_three, builds side by side (a) CS by the case study's
# triggers, (b) EXT with wt_create_tenant and (c) RLS, each frozen and
# analyzed; checks that each finds tenant_3's employee; freezes all three
# again once nothing else runs (a page the first pass left not all-visible,
# with a transaction of a parallel build still open, costs a visibility
# check per row in every measured run that scans it).  Returns 1 when a
# build failed.
# shellcheck disable=SC2154 # <cluster>_PORT are set by cluster_start
wt_bench_build_three() {
	local cs=$1 ext=$2 rls=$3 nt=$4 rls_build cs_build
	(
		PGPORT=$rls_PORT wt_bench_create_rls "$rls" "$nt" >/dev/null
		PGPORT=$rls_PORT vacuumdb -q --freeze --analyze -d "$rls"
	) &
	rls_build=$!
	(
		PGPORT=$cs_PORT wt_bench_create_case_study "$cs" "$nt"
		PGPORT=$cs_PORT vacuumdb -q --freeze --analyze -d "$cs"
	) &
	cs_build=$!
	PGPORT=$ext_PORT wt_bench_create_ext "$ext" "$nt"
	PGPORT=$ext_PORT vacuumdb -q --freeze --analyze -d "$ext"
	wait "$rls_build" || { echo "building (c) $rls failed" >&2; return 1; }
	wait "$cs_build" || { echo "building (a) $cs failed" >&2; return 1; }
	PGPORT=$cs_PORT wt_bench_check case_study "$cs"
	PGPORT=$ext_PORT wt_bench_check ext "$ext"
	PGPORT=$rls_PORT wt_bench_check rls "$rls"
	PGPORT=$cs_PORT vacuumdb -q --freeze -d "$cs"
	PGPORT=$ext_PORT vacuumdb -q --freeze -d "$ext"
	PGPORT=$rls_PORT vacuumdb -q --freeze -d "$rls"
}
