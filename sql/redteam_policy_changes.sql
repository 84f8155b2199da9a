-- Changing the isolation policy from inside a tenant context (after
-- iso_setup).  While a tenant is set (or require_tenant is on) the
-- extension's own objects -- the registry rows, its tables and functions,
-- the extension itself -- are read-only, and database-wide DROP OWNED /
-- REASSIGN OWNED are refused: deleting iso_b's registry row would make
-- iso_b's schema an ordinary, readable one.  Each is refused under tenant
-- iso_a (42501); the control run without a tenant succeeds (and is rolled
-- back); iso_a still reads the registry and its own data.
\set VERBOSITY terse
\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'DELETE FROM tenants WHERE schema_name = ''iso_b''',
  'UPDATE tenants SET schema_name = ''iso_z'' WHERE schema_name = ''iso_b''',
  'INSERT INTO tenants (company_name, schema_name) VALUES (''Fake'', ''iso_fake'')',
  'TRUNCATE tenants CASCADE',
  'ALTER TABLE tenants DISABLE TRIGGER ALL',
  'ALTER TABLE tenants ENABLE ROW LEVEL SECURITY',
  'CREATE TRIGGER planted BEFORE DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  'CREATE RULE planted AS ON DELETE TO tenants DO INSTEAD NOTHING',
  'CREATE POLICY planted ON tenants USING (schema_name <> ''iso_b'')',
  'ALTER TABLE tenants ALTER COLUMN status SET DEFAULT ''suspended''',
  'ALTER TABLE tenants ADD COLUMN note text',
  'ALTER FUNCTION wt_create_tenant(text, text) RENAME TO wt_create_tenant_x',
  'DROP OWNED BY wellness_app',
  'REASSIGN OWNED BY wellness_app TO CURRENT_USER',
  'ALTER EXTENSION wellness_tenancy DROP FUNCTION wt_create_tenant(text, text)',
  'DROP EXTENSION wellness_tenancy CASCADE'
]) AS s, LATERAL refused_then_allowed(s) AS r;
\pset format aligned

-- With require_tenant and no tenant set (an application session that has
-- not entered a tenant yet) the registry is read-only too.
BEGIN;
SET LOCAL wellness_tenancy.require_tenant = on;
DELETE FROM tenants WHERE schema_name = 'iso_b';
ROLLBACK;

-- Guard: the registry is still there and readable in tenant context, and
-- iso_b stays refused to iso_a.
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
SELECT schema_name FROM tenants WHERE schema_name IN ('iso_a', 'iso_b') ORDER BY 1;
SELECT full_name FROM iso_a.employees;
SELECT full_name FROM iso_b.employees;
ROLLBACK;
