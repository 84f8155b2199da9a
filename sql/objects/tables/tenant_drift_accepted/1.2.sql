-- Drift a DBA marked as intended (wt_accept_drift): a row of wt_tenant_drift()
-- -- schema, problem and detail exactly -- that it leaves out from then on.
-- Keyed by the exact detail, so that a change of the situation (another
-- extra table, another version behind) is reported again.  Dumped with the
-- database (pg_extension_config_dump), so it survives a restore.  DBA only.
CREATE TABLE @extschema@.tenant_drift_accepted (
    schema_name text NOT NULL,
    problem     text NOT NULL,
    detail      text NOT NULL,
    reason      text NOT NULL CHECK (pg_catalog.btrim(reason) <> ''),
    accepted_by name NOT NULL DEFAULT CURRENT_USER,
    accepted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (schema_name, problem, detail)
);
COMMENT ON TABLE @extschema@.tenant_drift_accepted IS
    'drift marked as intended (wt_accept_drift): rows of wt_tenant_drift() it leaves out';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_drift_accepted', '');
REVOKE ALL ON @extschema@.tenant_drift_accepted FROM PUBLIC;
