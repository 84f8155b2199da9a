#!/usr/bin/env bash
# Checks the SQL source tree (CONTRIBUTING.md, "The SQL source tree"):
#  - the manifests of committed scripts reproduce them byte for byte
#    (sql/wellness_tenancy--1.0.sql and --1.0--1.1.sql are history: a change
#    to an object file they include must not change what they install);
#  - every manifest includes only files that exist;
#  - every object file sql/objects/<kind>/<name>/<version>.sql is included by
#    a manifest, and only by the manifest of its own version (the script that
#    installs or updates to <version>), and no object file is of a version
#    later than the newest manifest: an object's newest copy is what ships.
# On failure it prints a diff or the offending file, and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

problems=0
problem() {
	echo "check-sql-tree: $*" >&2
	problems=$((problems + 1))
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Committed scripts: the assembled text must equal them.
shopt -s nullglob
for manifest in sql/manifests/*.manifest; do
	script=$(basename "$manifest" .manifest).sql
	if ! bash sql/assemble.sh "$manifest" > "$tmp/$script"; then
		problem "$manifest does not assemble (see above)"
		continue
	fi
	# scripts the Makefile builds (ignored by git) are not history
	if [ -f "sql/$script" ] && ! grep -qxF "sql/$script" .gitignore; then
		if ! diff -u "sql/$script" "$tmp/$script" > "$tmp/$script.diff"; then
			problem "$manifest no longer reproduces the committed sql/$script byte for byte:"
			cat "$tmp/$script.diff" >&2
		fi
	fi
done

# Which manifest includes which file.
declare -A included_by=()
for manifest in sql/manifests/*.manifest; do
	# the version a manifest installs or updates to: the last one in its name
	version=$(basename "$manifest" .manifest | sed 's/.*--//')
	while IFS= read -r file; do
		case "$file" in
		sql/objects/*)
			if [ -n "${included_by[$file]:-}" ]; then
				problem "$file is included by both ${included_by[$file]} and $manifest"
			fi
			included_by[$file]=$manifest
			fileversion=$(basename "$file" .sql)
			if [ "$fileversion" != "$version" ]; then
				problem "$manifest (version $version) includes $file, a copy of version $fileversion: copy it to $(dirname "$file")/$version.sql"
			fi
			;;
		esac
	done < <(bash sql/assemble.sh --list "$manifest")
done

# Every object file is shipped by some manifest.
newest_manifest=$(ls sql/manifests/*.manifest | sed 's/.*--//; s/\.manifest$//' | sort -V | tail -1)
for file in sql/objects/*/*/*.sql; do
	[ -n "${included_by[$file]:-}" ] || problem "$file is in no manifest: add '#include \"${file#sql/}\"' to the manifest of version $(basename "$file" .sql)"
	fileversion=$(basename "$file" .sql)
	if [ "$(printf '%s\n%s\n' "$fileversion" "$newest_manifest" | sort -V | tail -1)" != "$newest_manifest" ]; then
		problem "$file is of version $fileversion, later than the newest manifest ($newest_manifest)"
	fi
done
for file in $(find sql/objects -type f ! -path 'sql/objects/*/*/*.sql' | sort); do
	problem "$file is not of the form sql/objects/<kind>/<name>/<version>.sql"
done

if [ "$problems" -gt 0 ]; then
	echo "check-sql-tree: $problems problem(s)" >&2
	exit 1
fi
echo "check-sql-tree: $(ls sql/manifests/*.manifest | wc -l) manifests, $(find sql/objects -type f | wc -l) object files: OK"
