#!/usr/bin/env bash
# Debian's PgBouncer in transaction mode in front of a throwaway cluster, for
# the integration scripts that test poolers.  Source it after
# test/lib/integration.sh; it stops PgBouncer on exit and shows the end of its
# log on failure.
#
#   pgbouncer_start DIR DB_PORT FIRST_PORT POOL "USER ..." [EXTRA_DATABASE_LINE ...]
#
# writes DIR/pgbouncer.ini (database "wt" on 127.0.0.1:DB_PORT with POOL
# server connections, trust for the USERs, pool_mode = transaction: nothing is
# reset between clients), starts it on the first free port from FIRST_PORT
# and sets $bouncer_port.  EXTRA_DATABASE_LINEs go into [databases].

PGBOUNCER=${PGBOUNCER:-/usr/sbin/pgbouncer}
bouncer_dir=
bouncer_port=

pgbouncer_log_tail() {
	if [ -n "$bouncer_dir" ] && [ -f "$bouncer_dir/pgbouncer.log" ]; then
		echo "---- end of pgbouncer.log ----"
		tail -n 20 "$bouncer_dir/pgbouncer.log" || true
	fi
}
on_fail pgbouncer_log_tail

stop_pgbouncer() {
	[ -n "$bouncer_dir" ] && [ -f "$bouncer_dir/pgbouncer.pid" ] || return 0
	local pid
	pid=$(cat "$bouncer_dir/pgbouncer.pid")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
}
on_exit stop_pgbouncer

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pgbouncer_start() {
	bouncer_dir=$1
	local db_port=$2 pool=$4 users=$5 attempt user extra
	bouncer_port=$3
	shift 5
	[ -x "$PGBOUNCER" ] || fail "$PGBOUNCER not found (test/setup.sh installs pgbouncer)"
	mkdir -p "$bouncer_dir"
	for user in $users; do printf '"%s" ""\n' "$user"; done >"$bouncer_dir/userlist.txt"
	extra=$(printf '%s\n' "$@")
	for attempt in $(seq 20); do
		while port_busy "$bouncer_port"; do bouncer_port=$((bouncer_port + 1)); done
		# ignore_startup_parameters: for clients that send extra_float_digits
		# at connect, such as JDBC.
		cat >"$bouncer_dir/pgbouncer.ini" <<-INI
			[databases]
			wt = host=127.0.0.1 port=$db_port dbname=wt pool_size=$pool
			$extra

			[pgbouncer]
			listen_addr = 127.0.0.1
			listen_port = $bouncer_port
			unix_socket_dir =
			auth_type = trust
			auth_file = $bouncer_dir/userlist.txt
			pool_mode = transaction
			default_pool_size = $pool
			reserve_pool_size = 0
			max_client_conn = 200
			ignore_startup_parameters = extra_float_digits
			logfile = $bouncer_dir/pgbouncer.log
			pidfile = $bouncer_dir/pgbouncer.pid
			admin_users = postgres
		INI
		[ "$(id -u)" -ne 0 ] || chown -R postgres: "$bouncer_dir"
		rm -f "$bouncer_dir/pgbouncer.pid"
		as_postgres "$PGBOUNCER" -d -q "$bouncer_dir/pgbouncer.ini" || true
		for _ in $(seq 50); do
			port_busy "$bouncer_port" && break
			sleep 0.1
		done
		port_busy "$bouncer_port" && [ -f "$bouncer_dir/pgbouncer.pid" ] && return 0
		stop_pgbouncer
		[ "$attempt" -lt 20 ] || fail "pgbouncer did not start: $(tail -n 5 "$bouncer_dir/pgbouncer.log" 2>/dev/null)"
		bouncer_port=$((bouncer_port + 1))
	done
}
