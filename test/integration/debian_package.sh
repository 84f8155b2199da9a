#!/usr/bin/env bash
# The Debian package: builds postgresql-15-wellness-tenancy with
# dpkg-buildpackage from a clean clone of the committed tree (its own build
# runs the regression suite under pg_buildext/pg_virtualenv), installs the
# .deb, checks that the installed files are the package's, and runs
# `make installcheck` against a throwaway cluster that loads the installed
# module.  Afterwards the package is removed and `make install` puts the
# developer build back, so later suites see what they expect.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh debian_package

repo=$PWD
git clone -q "$repo" "$work/src"
# Uncommitted changes would be missing from the clone: build what is here.
git -C "$repo" diff HEAD | (cd "$work/src" && git apply --allow-empty 2>/dev/null || true)
chown -R postgres: "$work"

echo "== dpkg-buildpackage"
if ! (cd "$work/src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	tail -n 60 "$work/build.log" >&2
	fail "dpkg-buildpackage failed"
fi
grep -q "All .* tests passed" "$work/build.log" || fail "the package build did not run the regression suite"
deb=$(ls "$work"/postgresql-15-wellness-tenancy_*_amd64.deb)
echo "built $(basename "$deb")"

restore_dev_install() {
	dpkg -r postgresql-15-wellness-tenancy >/dev/null 2>&1 || true
	make -s -C "$repo" install >/dev/null
}
on_exit restore_dev_install

echo "== dpkg -i"
dpkg -i "$deb" >/dev/null
pkglib=$(pg_config --pkglibdir) share=$(pg_config --sharedir)
for f in "$pkglib/wellness_tenancy.so" "$share/extension/wellness_tenancy.control" \
	"$share/extension/wellness_tenancy--1.2.sql" "$share/extension/wellness_tenancy--1.1--1.2.sql"; do
	dpkg -S "$f" | grep -q '^postgresql-15-wellness-tenancy:' || fail "$f does not belong to the package"
done

echo "== make installcheck against the installed package"
cluster_start pkg "max_prepared_transactions = 10"
cd "$work/src"
rm -rf results regression.diffs
if ! make -s installcheck PG_CONFIG="$(command -v pg_config)" >"$work/installcheck.log" 2>&1; then
	cat "$work/installcheck.log" >&2
	[ -f regression.diffs ] && cat regression.diffs >&2
	fail "make installcheck failed against the installed package"
fi
grep -E "tests passed" "$work/installcheck.log"
echo "debian_package: OK"
