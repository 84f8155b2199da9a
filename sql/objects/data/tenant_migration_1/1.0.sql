INSERT INTO @extschema@.tenant_migrations (version, description, ddl, shipped) VALUES
(1, 'case study template: employees, wellness_logs, index on wellness_logs(employee_id)', $ddl$
CREATE TABLE employees (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email varchar(255) NOT NULL UNIQUE,
    full_name varchar(255),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE wellness_logs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    employee_id uuid REFERENCES employees(id) ON DELETE CASCADE,
    activity_type varchar(50) NOT NULL,
    duration_minutes integer,
    log_date date NOT NULL,
    notes text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wellness_logs_employee_id_idx ON wellness_logs (employee_id);
$ddl$, true);
