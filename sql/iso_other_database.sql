-- The hooks do nothing in a database where the extension is not installed,
-- even while the module is preloaded: schemas that look like tenants are
-- ordinary schemas there, and the tenant setting is refused with a hint.
CREATE DATABASE wt_no_extension;
\c wt_no_extension
CREATE SCHEMA iso_a;
CREATE TABLE iso_a.employees (full_name text);
INSERT INTO iso_a.employees VALUES ('not a tenant here');
SET wellness_tenancy.require_tenant = on;
SELECT full_name FROM iso_a.employees;
SET wellness_tenancy.tenant = 'iso_a';
SHOW wellness_tenancy.tenant;
\c postgres
DROP DATABASE wt_no_extension;
