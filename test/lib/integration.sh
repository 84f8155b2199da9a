# The common start of an integration script, after `cd` to the repository:
#
#   source test/lib/integration.sh NAME
#
# gives the cluster helpers (test/lib/cluster.sh), $name for messages,
# fail MESSAGE (exit 1), q ARGS... (psql, unaligned, errors fatal), a work
# directory $work, and an EXIT trap that removes $work and stops every
# cluster, printing the end of their server logs after a failure.
source test/lib/cluster.sh
cluster_cleanup_on_exit

name=$1
fail() { echo "$name: FAIL: $*" >&2; exit 1; }
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/wt-$name.XXXXXX")
trap 'status=$?; rm -rf "$work"; cluster_stop_all "$status"; exit "$status"' EXIT
