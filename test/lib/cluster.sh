# Throwaway PostgreSQL clusters for tests and the demo.  Source this file:
#
#   source test/lib/cluster.sh
#   cluster_cleanup_on_exit                 # stop and remove every cluster on exit
#   cluster_start main                      # -> main_PORT, main_DIR, main_DATA, main_LOG
#   cluster_start plain "shared_preload_libraries = ''"
#   psql -p "$main_PORT" -c 'select 1'      # PGHOST/PGUSER are exported
#   cluster_stop main
#
# Each cluster lives in its own mktemp -d directory (data/, server.log, and
# the Unix socket), owned by the OS user postgres, listening on 127.0.0.1
# only with trust authentication.  Clients may run as root; the server runs as
# postgres because PostgreSQL refuses to run as root.  Extra arguments to
# cluster_start are appended to postgresql.conf; the last setting of a name
# wins, so they override the defaults below (e.g. shared_preload_libraries).
#
# cluster_start also exports PGHOST=127.0.0.1, PGUSER=postgres and PGPORT (of
# the cluster started last).  Set CLUSTER_KEEP=1 to keep the directories.

PG_CONFIG=${PG_CONFIG:-pg_config}
PG_BINDIR=${PG_BINDIR:-$("$PG_CONFIG" --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
CLUSTER_FIRST_PORT=${CLUSTER_FIRST_PORT:-54000}
_CLUSTER_NAMES=()

# Runs a command as the OS user postgres (as ourselves when not root), from a
# directory postgres can enter: the caller's cwd may be a 0700 temp clone.
cluster_as_postgres() {
	local dir=$1
	shift
	if [ "$(id -u)" -eq 0 ]; then
		(cd "$dir" && runuser -u postgres -- "$@")
	else
		(cd "$dir" && "$@")
	fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
_cluster_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_cluster_var() { # _cluster_var NAME SUFFIX -> value of ${NAME}_SUFFIX
	local var="$1_$2"
	printf '%s' "${!var-}"
}

# cluster_start NAME [postgresql.conf line...]
cluster_start() {
	local name=$1
	shift
	if ! [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
		echo "cluster_start: '$name' is not a valid shell variable name" >&2
		return 1
	fi
	if [ -n "$(_cluster_var "$name" DIR)" ]; then
		echo "cluster_start: cluster '$name' is already running" >&2
		return 1
	fi

	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/wt-cluster-$name.XXXXXX")
	# Registered before initdb so that a failure below still cleans up.
	_CLUSTER_NAMES+=("$name")
	printf -v "${name}_DIR" '%s' "$dir"
	export "${name}_DIR"
	if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi

	local data=$dir/data log=$dir/server.log
	if ! cluster_as_postgres "$dir" "$PG_BINDIR/initdb" -D "$data" -U postgres \
		--encoding=UTF8 --locale=C --auth=trust --no-sync >"$dir/initdb.log" 2>&1; then
		echo "cluster_start: initdb failed for '$name':" >&2
		cat "$dir/initdb.log" >&2
		return 1
	fi

	cat >"$data/pg_hba.conf" <<-'EOF'
		# throwaway test cluster: trust on the Unix socket and loopback only
		local all         all                trust
		host  all         all  127.0.0.1/32  trust
		host  replication all  127.0.0.1/32  trust
	EOF

	# Another cluster (ours or not) may take a port between the check and
	# the start: then the start fails with "could not bind" and we move on.
	local port=$CLUSTER_FIRST_PORT tries=0
	while :; do
		while _cluster_port_busy "$port"; do port=$((port + 1)); done
		{
			echo "# wellness_tenancy throwaway cluster '$name'"
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "unix_socket_directories = '$dir'"
			echo "max_connections = 100"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
			echo "shared_preload_libraries = 'wellness_tenancy'"
			echo "log_line_prefix = '%m [%p] %q%u@%d '"
			echo "lc_messages = 'C'"
			local line
			for line in "$@"; do echo "$line"; done
		} >"$data/cluster.conf"
		if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data/cluster.conf"; fi
		# included last, so its settings (and the caller's) win
		if ! grep -q "cluster.conf" "$data/postgresql.conf"; then
			echo "include 'cluster.conf'" >>"$data/postgresql.conf"
		fi
		rm -f "$log" # so that the check below sees this attempt only
		if cluster_as_postgres "$dir" "$PG_BINDIR/pg_ctl" -D "$data" -l "$log" \
			-w -t 120 start >/dev/null 2>"$dir/pg_ctl.err"; then
			break
		fi
		tries=$((tries + 1))
		if grep -q "could not bind\|could not create any TCP/IP sockets" "$log" 2>/dev/null &&
			[ "$tries" -lt 20 ]; then
			port=$((port + 1))
			continue
		fi
		echo "cluster_start: server '$name' did not start; end of $log:" >&2
		cat "$dir/pg_ctl.err" >&2 || true
		tail -n 30 "$log" >&2 || true
		return 1
	done

	printf -v "${name}_PORT" '%s' "$port"
	printf -v "${name}_DATA" '%s' "$data"
	printf -v "${name}_LOG" '%s' "$log"
	export "${name}_PORT" "${name}_DATA" "${name}_LOG"
	export PGHOST=127.0.0.1 PGUSER=postgres PGPORT=$port
	echo "cluster '$name' started on 127.0.0.1:$port (data $data, log $log)"
}

# cluster_stop NAME: stops the server and removes its directory.
cluster_stop() {
	local name=$1 dir data
	dir=$(_cluster_var "$name" DIR)
	[ -n "$dir" ] || return 0
	data=$dir/data
	if [ -f "$data/postmaster.pid" ]; then
		cluster_as_postgres "$dir" "$PG_BINDIR/pg_ctl" -D "$data" -m fast -w -t 60 stop \
			>/dev/null 2>&1 ||
			cluster_as_postgres "$dir" "$PG_BINDIR/pg_ctl" -D "$data" -m immediate -w stop \
				>/dev/null 2>&1 || true
	fi
	if [ "${CLUSTER_KEEP:-0}" = 1 ]; then
		echo "cluster '$name' kept in $dir"
	else
		rm -rf "$dir"
	fi
	unset "${name}_DIR" "${name}_PORT" "${name}_DATA" "${name}_LOG"
}

# Stops every cluster started by this shell.  After a failure, shows the end
# of each server log first: it usually explains the failure.
cluster_stop_all() {
	local status=${1:-0} name log
	for name in "${_CLUSTER_NAMES[@]}"; do
		log=$(_cluster_var "$name" LOG)
		if [ "$status" -ne 0 ] && [ -n "$log" ] && [ -s "$log" ]; then
			echo "---- end of server log of cluster '$name' ($log) ----" >&2
			tail -n 40 "$log" >&2 || true
		fi
		cluster_stop "$name"
	done
	_CLUSTER_NAMES=()
}

# Installs an EXIT trap that stops and removes every cluster, also when the
# script fails under set -e or is interrupted.  Keeps the exit status.
cluster_cleanup_on_exit() {
	trap 'status=$?; cluster_stop_all "$status"; exit "$status"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
