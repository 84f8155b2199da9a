#!/bin/bash
# Expands a manifest of sql/manifests/ into an install or update script.
#
#   sql/assemble.sh MANIFEST          the script, on standard output
#   sql/assemble.sh --list MANIFEST   the files it includes, one a line
#
# A manifest is the script itself with each object replaced by one line
#     #include "objects/<kind>/<name>/<version>.sql"
# (a path relative to sql/; a glob such as "objects/steps/*/1.2.sql" includes every match,
# in byte order, and may match nothing).  Every other line is copied as it is.
# An included file that does not exist is an error.
set -euo pipefail
export LC_ALL=C

list=false
if [ "${1:-}" = --list ]; then list=true; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--list] MANIFEST" >&2; exit 2; }
manifest=$1
[ -f "$manifest" ] || { echo "$0: no manifest $manifest" >&2; exit 1; }
root=$(cd "$(dirname "$manifest")/.." && pwd)
lineno=0

while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    if [[ $line =~ ^#include\ \"([^\"]+)\"$ ]]; then
        pattern=${BASH_REMATCH[1]}
        if [[ $pattern == *'*'* ]]; then
            shopt -s nullglob
            files=("$root"/$pattern)
            shopt -u nullglob
        else
            files=("$root/$pattern")
            if [ ! -f "${files[0]}" ]; then
                echo "$manifest:$lineno: included file sql/$pattern does not exist" >&2
                exit 1
            fi
        fi
        for f in "${files[@]+"${files[@]}"}"; do
            if $list; then printf '%s\n' "sql/${f#"$root"/}"; else cat "$f"; fi
        done
    elif [[ $line == '#include'* ]]; then
        echo "$manifest:$lineno: malformed include line: $line" >&2
        exit 1
    elif ! $list; then
        printf '%s\n' "$line"
    fi
done < "$manifest"
