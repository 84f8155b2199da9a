-- Bad input: every invalid name gets a SQLSTATE-coded error and leaves no
-- schema and no registry row behind.
\set VERBOSITY default
CREATE FUNCTION pg_temp.try_create(company text, schema text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  detail text;
BEGIN
  PERFORM wt_create_tenant(company, schema);
  RETURN 'created';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' -- ' || detail, '');
END $$;

SELECT left(coalesce(company, '<NULL>'), 12) AS company, left(coalesce(schema, '<NULL>'), 24) AS schema,
       pg_temp.try_create(company, schema) AS result
FROM (VALUES
  (NULL, 'acme'),
  ('', 'acme'),
  ('   ', 'acme'),
  (repeat('x', 256), 'acme'),
  (repeat('é', 256), 'acme'),
  (E'Tab\tCo', 'acme'),
  ('Acme', ''),
  ('Acme', 'Acme'),
  ('Acme', '1acme'),
  ('Acme', 'acme-health'),
  ('Acme', 'acme health'),
  ('Acme', repeat('a', 64)),
  ('Acme', 'pg_acme'),
  ('Acme', 'public'),
  ('Acme', 'information_schema'),
  ('Acme', 'select'),
  ('Acme', 'acme"; DROP SCHEMA public CASCADE; --'),
  ('Acme', 'acme''); DROP TABLE tenants; --'),
  ('Acme', 'acme;drop'),
  ('Acme', 'innovate_inc'),
  ('Acme', 'pg_catalog'),
  ('!!!', NULL),
  ('Select', NULL)
) AS t(company, schema);

-- An existing schema that is not a tenant is never taken over.
CREATE SCHEMA payroll;
SELECT pg_temp.try_create('Payroll Corp', 'payroll');
DROP SCHEMA payroll;

-- 255 characters is fine (multibyte characters count as one).
SELECT pg_temp.try_create(repeat('é', 255), 'long_name_co');

-- Quotes and semicolons in a company name are data, never SQL: the name is
-- stored verbatim and the derived schema name is a plain identifier.
SELECT pg_temp.try_create('O''Reilly; DROP TABLE tenants; --', NULL);
SELECT company_name, schema_name FROM tenants WHERE schema_name LIKE 'o_reilly%';

-- A missing app role is reported with a hint.
SET wellness_tenancy.app_role = 'no_such_role';
SELECT wt_create_tenant('Orphan Co', 'orphan_co');
RESET wellness_tenancy.app_role;

-- Same through the case study's INSERT path.
INSERT INTO tenants (company_name, schema_name) VALUES ('Bad', 'Bad Name');
INSERT INTO tenants (company_name) VALUES ('...');

-- Nothing was left behind by any failure above.
SELECT schema_name FROM tenants ORDER BY 1;
SELECT nspname FROM pg_namespace
WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('public', 'information_schema')
ORDER BY 1;
