# The common start of every integration script, after `cd` to the repository:
#
#   source test/lib/integration.sh NAME
#
# gives the cluster helpers (test/lib/cluster.sh), $name for messages,
# fail MESSAGE (exit 1), q ARGS... (psql, unaligned, errors fatal), a work
# directory $work (kept with CLUSTER_KEEP=1, as the clusters), and an EXIT trap that kills the script's background jobs,
# runs the cleanups registered with on_exit, removes $work and stops every
# cluster, printing the end of their server logs after a failure.  INT and
# TERM exit with 130 and 143 through the same trap.
#
# Scripts never redefine fail, q or the traps; they extend them:
#   on_exit COMMAND   run COMMAND (a function name or a command line) on exit,
#                     before the clusters stop; the last registered runs first;
#                     it may read and change $status, the exit status
#   on_fail COMMAND   run COMMAND when fail is called, to print more context
#                     (another server's log, a pooler's log...)
# A psql with different defaults gets a name of its own (qp PORT ... in
# relocation.sh), or the script exports PGDATABASE.
source test/lib/cluster.sh

name=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/wt-$name.XXXXXX")
_integration_exit_hooks=()
_integration_fail_hooks=()

on_exit() { _integration_exit_hooks=("$1" "${_integration_exit_hooks[@]}"); }
on_fail() { _integration_fail_hooks+=("$1"); }

fail() {
	echo "$name: FAIL: $*" >&2
	local hook
	for hook in "${_integration_fail_hooks[@]}"; do
		eval "$hook" >&2 || true
	done
	exit 1
}
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

_integration_exit() {
	local status=$1 hook
	trap - EXIT
	jobs -p | xargs -r kill 2>/dev/null || true
	for hook in "${_integration_exit_hooks[@]}"; do
		eval "$hook" || true
	done
	[ "${CLUSTER_KEEP:-0}" = 1 ] || rm -rf "$work"
	cluster_stop_all "$status"
	exit "$status"
}
trap '_integration_exit $?' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
