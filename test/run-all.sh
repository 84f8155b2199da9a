#!/usr/bin/env bash
# THE test command: installs what is missing, builds and installs the
# extension (PGXS), builds the CMake tree (unit tests), then runs every suite
# through ctest -- unit tests, pg_regress, isolation, integration scripts and
# the demo -- each server suite on its own throwaway cluster.  Run as root
# from anywhere; exits with ctest's status.
set -euo pipefail
cd "$(dirname "$0")/.."

bash test/setup.sh

echo "== make && make install (PGXS)"
make -s -j"$(nproc)"
make -s install

echo "== cmake build (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

echo "== ctest"
exec ctest --test-dir build --output-on-failure
