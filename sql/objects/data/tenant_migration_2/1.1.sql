-- The migration takes the next free version: 2 on a fresh install, above the
-- DBA's own migrations on an upgraded one (tenants record the highest version
-- they reached, so a migration can only be appended).
INSERT INTO @extschema@.tenant_migrations (version, description, ddl, shipped)
SELECT pg_catalog.max(version) + 1,
       'wellness_tenancy 1.1: index on wellness_logs(log_date), column employees.department',
       $ddl$
ALTER TABLE employees ADD COLUMN department varchar(100);
CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
$ddl$,
       true
FROM @extschema@.tenant_migrations;
