-- The supported path for a tenant schema restored with pg_dump -n into a
-- database whose registry does not list it (until then it is refused to every
-- tenant context).  Checks that it is a tenant schema (the wellness_tenancy
-- label "tenant" that provisioning gives and pg_dump -n carries), finds the
-- version it is at by comparing its structure with the template built from
-- the local tenant migrations (the highest version it matches; with
-- schema_version given, that version is verified), and registers it: the
-- registry row (the registry trigger checks the name and keeps the label),
-- then the app role's grants as provisioning gives them.  One transaction:
-- a refusal leaves nothing behind.  A schema ahead of the local migrations,
-- or matching none of them, is refused (55000) with the differences.  With
-- allow_extra_objects, tables, sequences, indexes and constraints beyond the
-- template (a DBA's tables) do not prevent a match; wt_tenant_drift()
-- reports the tables until wt_accept_drift().  Code beyond the template
-- (triggers, functions, views, types) always does: it would run, or be
-- read, in the tenant's context unreviewed.
-- Returns the version adopted; CALL wt_run_migrations() brings an older one
-- up to date.
CREATE FUNCTION @extschema@.wt_adopt_tenant(schema_name name, company_name text,
                                            schema_version integer DEFAULT NULL,
                                            allow_extra_objects boolean DEFAULT false)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant_schema text := $1;
    company text := $2;
    wanted integer := $3;
    nsp oid;
    latest integer;
    registered record;
    shapes jsonb;
    actual jsonb;
    candidate record;
    adopted integer;
    best record;
    best_count bigint;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('adopt a tenant schema');
    IF tenant_schema IS NULL THEN
        RAISE EXCEPTION 'tenant schema name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM wt_internal.validate_company_name(company);
    PERFORM wt_internal.lock_tenant_name(tenant_schema);

    SELECT t.status, t.schema_version INTO registered
      FROM @extschema@.tenants t WHERE t.schema_name = tenant_schema;
    IF FOUND THEN
        RAISE EXCEPTION 'tenant "%" is already registered', tenant_schema
            USING ERRCODE = 'duplicate_object',
                  DETAIL = pg_catalog.format('The registry lists it (status %s, schema version %s).',
                                             registered.status, coalesce(registered.schema_version::text, 'NULL')),
                  HINT = 'wt_adopt_tenant() registers a restored schema the registry does not list; a registered tenant is migrated with wt_migrate_tenant() or CALL wt_run_migrations().';
    END IF;
    nsp := pg_catalog.to_regnamespace(pg_catalog.quote_ident(tenant_schema));
    IF nsp IS NULL THEN
        RAISE EXCEPTION 'schema "%" does not exist', tenant_schema
            USING ERRCODE = 'invalid_schema_name',
                  DETAIL = 'wt_adopt_tenant() registers an existing tenant schema.',
                  HINT = 'Restore the tenant''s pg_dump -n dump first (pg_restore --exit-on-error -d <database> <dump>).';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_seclabel l
                    WHERE l.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND l.objoid = nsp
                      AND l.objsubid = 0 AND l.provider = 'wellness_tenancy' AND l.label = 'tenant') THEN
        RAISE EXCEPTION 'schema "%" is not a tenant schema', tenant_schema
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'It does not carry the security label "tenant" (provider wellness_tenancy) that provisioning gives every tenant schema and pg_dump -n dumps with it.',
                  HINT = pg_catalog.format('Only a restored tenant schema is adopted.  If it was dumped before tenant schemas were labelled, a superuser labels it first: SECURITY LABEL FOR wellness_tenancy ON SCHEMA %I IS ''tenant'';', tenant_schema);
    END IF;

    SELECT pg_catalog.max(m.version) INTO latest FROM @extschema@.tenant_migrations m;
    IF wanted IS NOT NULL AND wanted > latest THEN
        RAISE EXCEPTION 'schema "%" is at version %, ahead of the local tenant migrations', tenant_schema, wanted
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('The latest local tenant migration is version %s.', latest),
                  HINT = 'Register the missing migrations here first (wt_add_migration, the same versions and DDL as in the database it comes from), then adopt it.';
    END IF;
    IF wanted IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.tenant_migrations m WHERE m.version = wanted) THEN
        RAISE EXCEPTION 'schema version % is not a local tenant migration', wanted
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Local tenant migrations: %s.',
                      (SELECT pg_catalog.string_agg(m.version::text, ', ' ORDER BY m.version) FROM @extschema@.tenant_migrations m)),
                  HINT = 'Give the version the schema is at, or none to have it found.';
    END IF;

    shapes := wt_internal.template_shapes();
    SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(s.object_kind, s.object_name, s.definition)), '[]')
      INTO actual FROM wt_internal.tenant_shape(tenant_schema) s;

    -- Highest version first; each compared object by object.
    FOR candidate IN
        SELECT v.version,
               pg_catalog.count(*) FILTER (WHERE d.what = 'missing') AS missing,
               pg_catalog.count(*) FILTER (WHERE d.what = 'different definition') AS different,
               pg_catalog.count(*) FILTER (WHERE d.what = 'not in the template') AS extra,
               pg_catalog.count(*) FILTER (WHERE d.what = 'not in the template'
                                             AND d.kind NOT IN ('table', 'partitioned table', 'sequence', 'index',
                                                                'partitioned index', 'constraint')) AS extra_code,
               pg_catalog.string_agg(pg_catalog.format('%s %s: %s', d.kind,
                                                            pg_catalog.replace(d.name, '@schema@.', pg_catalog.quote_ident(tenant_schema) || '.'),
                                                            d.what), '; '
                                     ORDER BY d.what, d.kind, d.name) AS differences
          FROM (SELECT m.version FROM @extschema@.tenant_migrations m
                 WHERE wanted IS NULL OR m.version = wanted) v
          LEFT JOIN LATERAL (
              SELECT coalesce(t.kind, a.kind) AS kind, coalesce(t.name, a.name) AS name,
                     CASE WHEN a.kind IS NULL THEN 'missing'
                          WHEN t.kind IS NULL THEN 'not in the template'
                          ELSE 'different definition' END AS what
                FROM (SELECT e->>0 AS kind, e->>1 AS name, e->>2 AS def
                        FROM pg_catalog.jsonb_array_elements(shapes -> v.version::text) e) t
                FULL JOIN (SELECT e->>0 AS kind, e->>1 AS name, e->>2 AS def
                             FROM pg_catalog.jsonb_array_elements(actual) e) a
                  ON a.kind = t.kind AND a.name = t.name
               WHERE a.kind IS NULL OR t.kind IS NULL OR a.def IS DISTINCT FROM t.def) d ON true
         GROUP BY v.version
         ORDER BY v.version DESC
    LOOP
        IF candidate.missing = 0 AND candidate.different = 0
           AND (candidate.extra = 0 OR (allow_extra_objects AND candidate.extra_code = 0)) THEN
            adopted := candidate.version;
            EXIT;
        END IF;
        IF best_count IS NULL OR candidate.missing + candidate.different + candidate.extra < best_count THEN
            best := candidate;
            best_count := candidate.missing + candidate.different + candidate.extra;
        END IF;
    END LOOP;

    IF adopted IS NULL THEN
        IF wanted IS NOT NULL THEN
            RAISE EXCEPTION 'schema "%" is not at tenant migration version %', tenant_schema, wanted
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('Against the template at version %s: %s.', wanted, best.differences),
                      HINT = 'Adopt it without schema_version to have its version found; tables added by hand are allowed with allow_extra_objects => true, triggers, functions, views and types never.';
        ELSIF best.version = latest AND best.missing = 0 THEN
            RAISE EXCEPTION 'schema "%" is ahead of the local tenant migrations', tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('It has everything of the template at the latest local version %s, and more: %s.',
                                                 latest, best.differences),
                      HINT = 'Register the migrations of the database it comes from here first (wt_add_migration, the same versions and DDL), then adopt it.  Tables added by hand are allowed with allow_extra_objects => true; triggers, functions, views and types beyond the template never are.';
        ELSE
            RAISE EXCEPTION 'schema "%" matches no local tenant migration version', tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('Closest: the template at version %s, against which: %s.',
                                                 best.version, best.differences),
                      HINT = 'The database it comes from may have tenant migrations this one lacks (register them here with wt_add_migration, the same versions and DDL), or the schema was changed by hand (tables added by hand are allowed with allow_extra_objects => true; triggers, functions, views and types beyond the template never are).';
        END IF;
    END IF;

    -- Registers the schema as it is (a row with schema_version is not
    -- provisioned); the trigger checks the name and keeps the label.
    INSERT INTO @extschema@.tenants (company_name, schema_name, schema_version)
    VALUES (company, tenant_schema, adopted);
    PERFORM wt_internal.grant_app_role(tenant_schema);
    IF adopted < latest THEN
        RAISE NOTICE 'tenant "%" adopted at version % of %', tenant_schema, adopted, latest
            USING HINT = 'CALL wt_run_migrations() brings it up to date.';
    END IF;
    RETURN adopted;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_adopt_tenant(name, text, integer, boolean) IS
    'register a restored tenant schema (pg_dump -n) at the local migration version its structure matches';
REVOKE ALL ON FUNCTION @extschema@.wt_adopt_tenant(name, text, integer, boolean) FROM PUBLIC;
