#!/usr/bin/env bash
# The signed tenant context, with tokens minted by the shipped recipes
# (docs/recipes/mint_token.py with Debian's python3, mint_token.js with
# Node's crypto).  The app role has require_signed_tenant and the tenant lock:
#   valid token (Python, Node)         enters its tenant, reads its own rows
#   SET / set_config / wt_set_tenant   refused (injected SQL cannot choose)
#   forged (altered tenant), wrong key, unknown key, expired, malformed: refused
#   token for acme presented for globex: refused
#   rotation: k1 and k2 both accepted; after k1 is removed and the server
#             reloaded, k1's tokens are refused, k2's accepted
#   the key is never shown to the app role; the token is not in
#   pg_stat_activity while the session runs
# Control: without require_signed_tenant (a DBA role), SET reaches the tenant.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh signed_tenant
command -v node >/dev/null || fail "node is missing (test/setup.sh installs nodejs)"

K1=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
K2=ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
KX=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
cluster_start signed
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE wellness" \
	-c "ALTER SYSTEM SET wellness_tenancy.token_keys = 'k1:$K1,k2:$K2'" -c "SELECT pg_reload_conf()" >/dev/null
q -d wellness -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" \
	-c "SELECT wt_create_tenant('Acme', 'acme'), wt_create_tenant('Globex', 'globex')" \
	-c "INSERT INTO acme.employees (email, full_name) VALUES ('a@acme.example', 'ACME-ROW')" \
	-c "INSERT INTO globex.employees (email, full_name) VALUES ('g@globex.example', 'GLOBEX-ROW')" \
	-c "ALTER ROLE wellness_app SET wellness_tenancy.require_signed_tenant = on" \
	-c "ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on" \
	-c "ALTER ROLE wellness_app SET wellness_tenancy.tenant_lock = on" >/dev/null

py() { /usr/bin/python3 docs/recipes/mint_token.py "$@"; }
js() { node docs/recipes/mint_token.js "$@"; }
# present TOKEN [TENANT]: enters with the token as a bind parameter, reads
# unqualified employees.
present() {
	local tenant=${2:-}
	psql -X -q -At -d wellness -U wellness_app -v token="$1" -v tenant="$tenant" 2>&1 <<-'SQL' || true
		BEGIN;
		SELECT CASE WHEN :'tenant' = '' THEN wt_enter_tenant(:'token') ELSE wt_enter_tenant(:'token', :'tenant') END \gset
		SELECT full_name FROM employees;
		COMMIT;
	SQL
}
expect() { # expect LABEL OUTPUT PATTERN
	grep -q -- "$3" <<<"$2" || fail "$1: expected /$3/, got: $2"
	! grep -q GLOBEX-ROW <<<"$2" || [ "$1" = "valid globex" ] || fail "$1: globex's row leaked: $2"
	echo "ok: $1"
}

expect "valid (Python)" "$(present "$(py k1 $K1 acme)")" '^ACME-ROW$'
expect "valid (Node)" "$(present "$(js k2 $K2 acme)")" '^ACME-ROW$'
expect "valid globex" "$(present "$(py k1 $K1 globex)")" '^GLOBEX-ROW$'

app() { psql -X -q -At -d wellness -U wellness_app "$@" 2>&1 || true; }
expect "SET refused" "$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'globex'" -c "SELECT full_name FROM globex.employees")" 'entered only with a signed token'
expect "set_config refused" "$(app -c "SELECT set_config('wellness_tenancy.tenant', 'globex', true)")" 'entered only with a signed token'
expect "wt_set_tenant refused" "$(app -c "SELECT wt_set_tenant('globex', true)")" 'entered only with a signed token'
expect "startup option fails closed" "$(PGOPTIONS='-c wellness_tenancy.tenant=globex' app -c "SELECT full_name FROM globex.employees")" 'may not reach'

good=$(py k1 $K1 acme)
forged=$(sed 's/\.acme\./.globex./' <<<"$good")
expect "forged (tenant altered)" "$(present "$forged")" 'signature is invalid'
expect "wrong key" "$(present "$(py k1 $KX acme)")" 'signature is invalid'
expect "unknown key" "$(present "$(py k9 $K1 acme)")" 'signed with an unknown key'
expect "expired" "$(present "$(py k1 $K1 acme -5)")" 'has expired'
expect "malformed" "$(present "v1.k1.acme.notanumber.nonce1234.AAAA")" 'malformed tenant token'
expect "replayed for another tenant" "$(present "$(js k1 $K1 acme)" globex)" 'is for tenant "acme", not "globex"'
expect "switch after entering (lock)" "$(app -v t="$(py k1 $K1 acme)" -c "BEGIN" -c "SELECT wt_enter_tenant('$(py k1 $K1 acme)')" -c "SELECT wt_enter_tenant('$(py k1 $K1 globex)')")" 'locked to tenant "acme"'

echo "== the key is never shown to the app role"
expect "SHOW token_keys" "$(app -c "SHOW wellness_tenancy.token_keys")" 'must be superuser\|permission denied'
out=$(app -c "SELECT count(*) FROM pg_settings WHERE name = 'wellness_tenancy.token_keys'")
[ "$out" = 0 ] || fail "pg_settings shows token_keys to the app role: $out"
echo "ok: pg_settings hides token_keys"

echo "== the token is not left in pg_stat_activity"
token=$(py k1 $K1 acme)
psql -X -q -d wellness -U wellness_app -v token="$token" >/dev/null 2>&1 <<-'SQL' &
	BEGIN;
	SELECT wt_enter_tenant(:'token') \gset
	SELECT pg_sleep(2);
	COMMIT;
SQL
sleep 1
activity=$(q -d wellness -c "SELECT string_agg(query, ' | ') FROM pg_stat_activity WHERE usename = 'wellness_app'")
wait
! grep -q "${token##*.}" <<<"$activity" || fail "the token's signature is visible in pg_stat_activity: $activity"
echo "ok: activity text holds no token ($activity)"

echo "== rotation: k1 removed"
q -d postgres -c "ALTER SYSTEM SET wellness_tenancy.token_keys = 'k2:$K2'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
expect "old key after rotation" "$(present "$(py k1 $K1 acme)")" 'signed with an unknown key'
expect "new key after rotation" "$(present "$(js k2 $K2 acme)")" '^ACME-ROW$'

echo "== control: a DBA without require_signed_tenant reaches the tenant with SET"
[ "$(q -d wellness -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'globex'" -c "SELECT full_name FROM globex.employees" -c "COMMIT")" = GLOBEX-ROW ] ||
	fail "control failed"
echo "signed_tenant: OK"
