-- Relation names inside function arguments and column defaults: sequence
-- functions, size functions, regclass.  Refused under tenant iso_a, allowed
-- without; a refused nextval() does not advance the sequence.
CREATE TABLE iso_a.tickets (id bigint DEFAULT nextval('iso_b.counter'), note text);
\pset format unaligned
\pset fieldsep ' | '
SELECT s AS statement, r.*
FROM unnest(ARRAY[
  'SELECT nextval(''iso_b.counter'')',
  'SELECT setval(''iso_b.counter'', 42)',
  'SELECT pg_relation_size(''iso_b.employees'')',
  'SELECT pg_total_relation_size(''iso_b.employees'')',
  'SELECT ''iso_b.employees''::regclass',
  'SELECT to_regclass(''iso_b.employees'')',
  'SELECT has_table_privilege(''iso_b.employees'', ''SELECT'')',
  'INSERT INTO iso_a.tickets (note) VALUES (''default reaches iso_b'')'
]) AS s, LATERAL refused_then_allowed(s) AS r;
\pset format aligned

SELECT last_value, is_called FROM iso_b.counter;
SET wellness_tenancy.tenant = 'iso_a';
SELECT nextval('iso_b.counter');
SELECT currval('iso_b.counter');
SELECT pg_relation_size('iso_b.employees');
-- the tenant's own relations are fine
SELECT pg_relation_size('iso_a.employees') >= 0 AS own_size;
RESET wellness_tenancy.tenant;
SELECT last_value, is_called FROM iso_b.counter;
SELECT nextval('iso_b.counter');   -- control
