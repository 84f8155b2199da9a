-- The case study's registry and its two AFTER INSERT triggers, verbatim
-- (../shared/reference/wellnesscorp-case-study.txt): the baseline that
-- bench/operations.sh and test/integration/operations_cost.sh measure
-- provisioning against.
CREATE TABLE public.tenants (
id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
company_name VARCHAR(255) NOT NULL,
schema_name VARCHAR(63) NOT NULL UNIQUE,
created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX idx_tenants_schema_name ON public.tenants(schema_name);
CREATE OR REPLACE FUNCTION create_tenant_schema()
RETURNS TRIGGER AS $$
BEGIN
EXECUTE format('CREATE SCHEMA %I', NEW.schema_name);
EXECUTE format('CREATE TABLE %I.employees (
id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
email VARCHAR(255) NOT NULL UNIQUE,
full_name VARCHAR(255),
created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)', NEW.schema_name);
EXECUTE format('CREATE TABLE %I.wellness_logs (
id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
employee_id UUID REFERENCES %I.employees(id) ON DELETE CASCADE,
activity_type VARCHAR(50) NOT NULL,
duration_minutes INTEGER,
log_date DATE NOT NULL,
notes TEXT,
created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)', NEW.schema_name, NEW.schema_name);
RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION grant_tenant_permissions()
RETURNS TRIGGER AS $$
BEGIN
EXECUTE format('GRANT USAGE ON SCHEMA %I TO wellness_app', NEW.schema_name);
EXECUTE format('GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA %I TO wellness_app', NEW.schema_name);
RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER on_new_tenant
AFTER INSERT ON public.tenants
FOR EACH ROW
EXECUTE FUNCTION create_tenant_schema();
CREATE TRIGGER on_new_tenant_permissions
AFTER INSERT ON public.tenants
FOR EACH ROW
EXECUTE FUNCTION grant_tenant_permissions();
