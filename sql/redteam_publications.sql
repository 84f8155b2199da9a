-- Publications (after iso_setup): logical replication would ship other
-- tenants' rows out of the database.  In tenant context CREATE/ALTER
-- PUBLICATION may not cover another tenant: FOR ALL TABLES, FOR TABLES IN
-- SCHEMA of another tenant, FOR TABLE of a shared parent whose partitions or
-- children reach another tenant.  Each is refused under tenant iso_a
-- (42501); the control run without a tenant creates it (rolled back); a
-- publication of iso_a's own tables works under iso_a.
\set VERBOSITY terse
SET client_min_messages = error;   -- "wal_level is insufficient" warnings
CREATE TABLE public.pub_visits (tenant text, note text) PARTITION BY LIST (tenant);
CREATE TABLE iso_a.pub_visits_a PARTITION OF public.pub_visits FOR VALUES IN ('iso_a');
CREATE TABLE iso_b.pub_visits_b PARTITION OF public.pub_visits FOR VALUES IN ('iso_b');
CREATE TABLE public.pub_legacy (note text);
CREATE TABLE iso_b.pub_legacy_b () INHERITS (public.pub_legacy);
CREATE PUBLICATION pub_empty;
\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'CREATE PUBLICATION p_all FOR ALL TABLES',
  'CREATE PUBLICATION p_schema FOR TABLES IN SCHEMA iso_b',
  'CREATE PUBLICATION p_table FOR TABLE iso_b.employees',
  'CREATE PUBLICATION p_parent FOR TABLE public.pub_visits',
  'CREATE PUBLICATION p_legacy FOR TABLE public.pub_legacy',
  'ALTER PUBLICATION pub_empty ADD TABLES IN SCHEMA iso_b',
  'ALTER PUBLICATION pub_empty ADD TABLE public.pub_visits',
  'ALTER PUBLICATION pub_empty SET TABLE public.pub_legacy'
]) AS s, LATERAL refused_then_allowed(s) AS r;
\pset format aligned

-- Guard: iso_a publishes its own tables and schema.
BEGIN;
SET LOCAL wellness_tenancy.tenant = 'iso_a';
CREATE PUBLICATION p_own FOR TABLE iso_a.employees, ONLY iso_a.pub_visits_a;
ALTER PUBLICATION pub_empty ADD TABLES IN SCHEMA iso_a;
SELECT pubname, schemaname, tablename FROM pg_publication_tables
WHERE pubname IN ('p_own', 'pub_empty') ORDER BY 1, 2, 3;
ROLLBACK;

DROP PUBLICATION pub_empty;
DROP TABLE public.pub_visits, public.pub_legacy CASCADE;
RESET client_min_messages;
