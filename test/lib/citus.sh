# A real Citus cluster for integration tests: coordinator + 2 workers on
# loopback, built from the vendored Citus source.  Source it after
# test/lib/cluster.sh and test/lib/integration.sh:
#
#   source test/lib/citus.sh
#   citus_source || citus_skip "$CITUS_SKIP_REASON"   # exits 77: ctest "skipped"
#   citus_build                                        # once per machine
#   citus_cluster_start wellness                       # -> coord_PORT, w1_PORT, w2_PORT
#
# The source is $WT_CITUS_TARBALL, else ../shared/vendor/citus-13.0.5.tar.gz
# beside the repository (beside the main checkout for a git worktree); its sha256 must be the one the vendor README gives.
# It is built in /var/tmp/wt-citus-<version>-<sha prefix> (never inside the
# repository) and installed into PostgreSQL's own directories under
# /tmp/wt-install.lock, the lock every installer of this machine takes (set
# WT_INSTALL_LOCK_HELD=1 when running the suite under that lock already).  The
# build is skipped when citus.so of that build is already installed.

CITUS_VERSION=13.0.5
CITUS_SHA256=86b3d929f21ecae5bf07a44e09639f50a54eb5882ef17a3aafee39fed17b9a1a
CITUS_SKIP_CODE=77
CITUS_TARBALL=
CITUS_SKIP_REASON=

# Finds and verifies the Citus source; sets CITUS_TARBALL.  Returns 1 with
# CITUS_SKIP_REASON set when it is missing; fails the suite when its sha256 is
# not the vendored one.
citus_source() {
	local file=citus-$CITUS_VERSION.tar.gz tarball=${WT_CITUS_TARBALL:-} sum common
	if [ -z "$tarball" ]; then
		tarball=$(pwd)/../shared/vendor/$file
		# a git worktree: beside the main checkout
		common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
		if [ ! -r "$tarball" ] && [ -n "$common" ] && [ -r "$(dirname "$common")/../shared/vendor/$file" ]; then
			tarball=$(cd "$(dirname "$common")/../shared/vendor" && pwd)/$file
		fi
	fi
	if [ ! -r "$tarball" ]; then
		CITUS_SKIP_REASON="Citus source not found at $tarball (set WT_CITUS_TARBALL)"
		return 1
	fi
	sum=$(sha256sum "$tarball" | cut -d' ' -f1)
	# present but not the vendored file: an error, not a reason to skip
	[ "$sum" = "$CITUS_SHA256" ] ||
		fail "$tarball has sha256 $sum, not the vendored Citus $CITUS_VERSION ($CITUS_SHA256)"
	CITUS_TARBALL=$tarball
}

# Reports the suite as skipped (never passed) and exits with the code ctest
# maps to "skipped" (SKIP_RETURN_CODE in CMakeLists.txt).
citus_skip() {
	echo "$name: SKIPPED: $*"
	trap - EXIT
	[ "${CLUSTER_KEEP:-0}" = 1 ] || rm -rf "$work"
	exit "$CITUS_SKIP_CODE"
}

# True when /tmp/wt-install.lock is held by this shell or one of its
# ancestors (the suite runs under `flock /tmp/wt-install.lock ...`): taking it
# again would wait forever.  Reads the holders from /proc/locks.
_citus_lock_held_by_ancestor() {
	local inode holders p
	inode=$(stat -c %i /tmp/wt-install.lock 2>/dev/null) || return 1
	holders=$(awk -v inode="$inode" '{ n = split($6, f, ":"); if (f[n] == inode) print $5 }' /proc/locks)
	[ -n "$holders" ] || return 1
	p=$$
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		grep -qx "$p" <<<"$holders" && return 0
		p=$(awk '{ print $4 }' "/proc/$p/stat" 2>/dev/null || true)
	done
	return 1
}

# Unpacks, configures, builds and installs Citus (see the header).  Build
# dependencies: test/setup.sh.
citus_build() {
	local cache=/var/tmp/wt-citus-$CITUS_VERSION-${CITUS_SHA256:0:12}
	local so
	so=$("$PG_CONFIG" --pkglibdir)/citus.so
	local stamp=$cache/.wt-installed
	if [ -f "$so" ] && [ -f "$stamp" ] &&
		[ "$(cat "$stamp")" = "$CITUS_SHA256 $(sha256sum "$so" | cut -d' ' -f1)" ]; then
		echo "citus: $CITUS_VERSION already installed ($so)"
		return 0
	fi
	local started=$SECONDS
	mkdir -p "$cache"
	if [ ! -f "$cache/configure" ]; then
		tar -xzf "$CITUS_TARBALL" -C "$cache" --strip-components=1 || return 1
	fi
	if [ ! -f "$cache/Makefile.global" ]; then
		(cd "$cache" && ./configure --without-libcurl >"$cache/.configure.log" 2>&1) || {
			tail -n 20 "$cache/.configure.log" >&2
			return 1
		}
	fi
	(cd "$cache" && make -j2 >"$cache/.make.log" 2>&1) || {
		tail -n 30 "$cache/.make.log" >&2
		return 1
	}
	# Under the machine's install lock; a caller that already holds it (it
	# runs the suite under flock) says so with WT_INSTALL_LOCK_HELD=1, since a
	# second flock on the file would wait for the first forever.
	local lock=(flock /tmp/wt-install.lock)
	if [ "${WT_INSTALL_LOCK_HELD:-0}" = 1 ] || _citus_lock_held_by_ancestor; then lock=(); fi
	"${lock[@]}" bash -c "cd '$cache' && make install >'$cache/.install.log' 2>&1" || {
		tail -n 20 "$cache/.install.log" >&2
		return 1
	}
	echo "$CITUS_SHA256 $(sha256sum "$so" | cut -d' ' -f1)" >"$stamp"
	echo "citus: built and installed $CITUS_VERSION in $((SECONDS - started))s"
}

# citus_cluster_start DB [postgresql.conf line...]: starts clusters coord, w1
# and w2 with Citus and wellness_tenancy preloaded, creates database DB on
# each with extension citus, and adds the workers to the coordinator.
# wellness_tenancy is created on the coordinator (Citus propagates the
# CREATE EXTENSION to the workers it knows).
citus_cluster_start() {
	local db=$1
	shift
	local conf=("shared_preload_libraries = 'citus,wellness_tenancy'"
		"max_prepared_transactions = 20" "wal_level = logical"
		"citus.shard_replication_factor = 1" "$@")
	local node
	for node in coord w1 w2; do
		cluster_start "$node" "${conf[@]}" || return 1
		local port_var=${node}_PORT
		psql -X -q -v ON_ERROR_STOP=1 -p "${!port_var}" -d postgres \
			-c "CREATE DATABASE $db" -c "ALTER DATABASE $db SET citus.enable_schema_based_sharding = off" ||
			return 1
		psql -X -q -v ON_ERROR_STOP=1 -p "${!port_var}" -d "$db" -c "CREATE EXTENSION citus" || return 1
	done
	psql -X -q -v ON_ERROR_STOP=1 -p "$coord_PORT" -d "$db" \
		-c "SELECT citus_set_coordinator_host('127.0.0.1', $coord_PORT)" \
		-c "SELECT citus_add_node('127.0.0.1', $w1_PORT)" \
		-c "SELECT citus_add_node('127.0.0.1', $w2_PORT)" >/dev/null || return 1
	export PGPORT=$coord_PORT
}
