-- DDL that re-creates the named objects of a tenant schema (keys are
-- 'kind name' as wt_tenant_structure lists them) on another instance, in an
-- order that satisfies dependencies: functions (run with
-- check_function_bodies off), sequences, tables, constraints, indexes,
-- foreign keys, sequence ownership, views, triggers, owners and grants.
-- This is how objects a DBA added to one tenant outside the tenant
-- migrations travel with it.
CREATE FUNCTION @extschema@.wt_tenant_ddl(schema_name text, objects text[])
    RETURNS TABLE(step integer, object text, ddl text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant_schema text := $1;
    nsp oid;
    rel record;
    columns text;
    unsupported text;
BEGIN
    SELECT n.oid INTO nsp FROM pg_catalog.pg_namespace n WHERE n.nspname = tenant_schema;
    SELECT pg_catalog.string_agg(s.object_kind || ' ' || s.object_name, ', ')
      INTO unsupported
      FROM @extschema@.wt_tenant_structure(tenant_schema) s
     WHERE s.object_kind || ' ' || s.object_name = ANY (objects)
       AND s.object_kind NOT IN ('table', 'sequence', 'index', 'constraint', 'view',
                                 'function', 'procedure', 'trigger');
    IF unsupported IS NOT NULL THEN
        RAISE EXCEPTION 'cannot carry objects of tenant "%" to another instance', tenant_schema
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Not supported: ' || unsupported || '.',
                  HINT = 'Create them on the target through a tenant migration registered on both instances, or drop them on the source.';
    END IF;
    step := 0;

    -- functions and procedures
    FOR rel IN
        SELECT p.oid, p.prokind, p.oid::pg_catalog.regprocedure::text AS signature
          FROM pg_catalog.pg_proc p WHERE p.pronamespace = nsp AND p.prokind IN ('f', 'p') ORDER BY p.oid
    LOOP
        object := CASE rel.prokind WHEN 'f' THEN 'function ' ELSE 'procedure ' END || rel.signature;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.pg_get_functiondef(rel.oid);
        RETURN NEXT;
    END LOOP;

    -- sequences (identity sequences come with their column)
    FOR rel IN
        SELECT c.relname, s.* FROM pg_catalog.pg_class c JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
         WHERE c.relnamespace = nsp
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                              AND d.objid = c.oid AND d.deptype = 'i')
         ORDER BY c.oid
    LOOP
        object := 'sequence ' || rel.relname;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.format('CREATE SEQUENCE %I.%I AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s',
                                 tenant_schema, rel.relname, pg_catalog.format_type(rel.seqtypid, NULL),
                                 rel.seqincrement, rel.seqmin, rel.seqmax, rel.seqstart, rel.seqcache,
                                 CASE WHEN rel.seqcycle THEN ' CYCLE' ELSE '' END);
        RETURN NEXT;
    END LOOP;

    -- tables: columns with types, collations, defaults, identity, generated
    FOR rel IN
        SELECT c.oid, c.relname, c.relreplident FROM pg_catalog.pg_class c
         WHERE c.relnamespace = nsp AND c.relkind = 'r' ORDER BY c.oid
    LOOP
        object := 'table ' || rel.relname;
        CONTINUE WHEN NOT object = ANY (objects);
        SELECT pg_catalog.string_agg(
                   pg_catalog.format('%I %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
                   || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                           THEN ' COLLATE ' || a.attcollation::pg_catalog.regcollation::text ELSE '' END
                   || CASE WHEN a.attgenerated = 's'
                           THEN ' GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid) || ') STORED'
                           WHEN a.atthasdef THEN ' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                           ELSE '' END
                   || CASE WHEN a.attidentity IN ('a', 'd') THEN
                          (SELECT pg_catalog.format(' GENERATED %s AS IDENTITY (SEQUENCE NAME %I.%I INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s)',
                                      CASE a.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END,
                                      tenant_schema, sc.relname, s.seqincrement, s.seqmin, s.seqmax,
                                      s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END)
                             FROM pg_catalog.pg_depend dep
                             JOIN pg_catalog.pg_class sc ON sc.oid = dep.objid
                             JOIN pg_catalog.pg_sequence s ON s.seqrelid = sc.oid
                            WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                              AND dep.refobjid = rel.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i')
                      ELSE '' END
                   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                   ', ' ORDER BY a.attnum)
          INTO columns
          FROM pg_catalog.pg_attribute a
          JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
          LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped;
        step := step + 1;
        ddl := pg_catalog.format('CREATE TABLE %I.%I (%s)', tenant_schema, rel.relname, COALESCE(columns, ''));
        RETURN NEXT;
        IF rel.relreplident IN ('f', 'n') THEN
            step := step + 1;
            ddl := pg_catalog.format('ALTER TABLE %I.%I REPLICA IDENTITY %s', tenant_schema, rel.relname,
                                     CASE rel.relreplident WHEN 'f' THEN 'FULL' ELSE 'NOTHING' END);
            RETURN NEXT;
        END IF;
    END LOOP;

    -- constraints but foreign keys (NOT NULL is part of the column)
    FOR rel IN
        SELECT k.oid, k.conname, c.relname FROM pg_catalog.pg_constraint k
          JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
         WHERE c.relnamespace = nsp AND k.contype <> 'f' ORDER BY k.oid
    LOOP
        object := 'constraint ' || rel.relname || '.' || rel.conname;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', tenant_schema, rel.relname,
                                 rel.conname, pg_catalog.pg_get_constraintdef(rel.oid));
        RETURN NEXT;
    END LOOP;

    -- indexes that no constraint created
    FOR rel IN
        SELECT c.oid, c.relname, i.indisreplident, tc.relname AS table_name
          FROM pg_catalog.pg_index i
          JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
          JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
         WHERE c.relnamespace = nsp
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid
                                                                       AND k.contype IN ('p', 'u', 'x'))
         ORDER BY c.oid
    LOOP
        object := 'index ' || rel.relname;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.pg_get_indexdef(rel.oid);
        RETURN NEXT;
    END LOOP;
    FOR rel IN
        SELECT c.relname, tc.relname AS table_name
          FROM pg_catalog.pg_index i
          JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
          JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
         WHERE c.relnamespace = nsp AND i.indisreplident
    LOOP
        CONTINUE WHEN NOT ('table ' || rel.table_name) = ANY (objects);
        step := step + 1;
        object := 'table ' || rel.table_name;
        ddl := pg_catalog.format('ALTER TABLE %I.%I REPLICA IDENTITY USING INDEX %I',
                                 tenant_schema, rel.table_name, rel.relname);
        RETURN NEXT;
    END LOOP;

    -- foreign keys
    FOR rel IN
        SELECT k.oid, k.conname, c.relname FROM pg_catalog.pg_constraint k
          JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
         WHERE c.relnamespace = nsp AND k.contype = 'f' ORDER BY k.oid
    LOOP
        object := 'constraint ' || rel.relname || '.' || rel.conname;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', tenant_schema, rel.relname,
                                 rel.conname, pg_catalog.pg_get_constraintdef(rel.oid));
        RETURN NEXT;
    END LOOP;

    -- sequences owned by a column (serial)
    FOR rel IN
        SELECT sc.relname AS sequence_name, tc.relname AS table_name, a.attname
          FROM pg_catalog.pg_depend d
          JOIN pg_catalog.pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S'
          JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
          JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND d.deptype = 'a' AND sc.relnamespace = nsp
    LOOP
        object := 'sequence ' || rel.sequence_name;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.format('ALTER SEQUENCE %I.%I OWNED BY %I.%I.%I', tenant_schema, rel.sequence_name,
                                 tenant_schema, rel.table_name, rel.attname);
        RETURN NEXT;
    END LOOP;

    -- views, in creation order
    FOR rel IN
        SELECT c.oid, c.relname, c.reloptions FROM pg_catalog.pg_class c
         WHERE c.relnamespace = nsp AND c.relkind = 'v' ORDER BY c.oid
    LOOP
        object := 'view ' || rel.relname;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.format('CREATE VIEW %I.%I%s AS %s', tenant_schema, rel.relname,
                                 CASE WHEN rel.reloptions IS NULL THEN ''
                                      ELSE ' WITH (' || pg_catalog.array_to_string(rel.reloptions, ', ') || ')' END,
                                 pg_catalog.pg_get_viewdef(rel.oid));
        RETURN NEXT;
    END LOOP;

    -- triggers, with their enabled state
    FOR rel IN
        SELECT t.oid, t.tgname, t.tgenabled, c.relname FROM pg_catalog.pg_trigger t
          JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = nsp AND NOT t.tgisinternal ORDER BY t.oid
    LOOP
        object := 'trigger ' || rel.relname || '.' || rel.tgname;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.pg_get_triggerdef(rel.oid);
        RETURN NEXT;
        IF rel.tgenabled <> 'O' THEN
            step := step + 1;
            ddl := pg_catalog.format('ALTER TABLE %I.%I %s TRIGGER %I', tenant_schema, rel.relname,
                                     CASE rel.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA'
                                                        ELSE 'ENABLE ALWAYS' END, rel.tgname);
            RETURN NEXT;
        END IF;
    END LOOP;

    -- owners and privileges of relations
    FOR rel IN
        SELECT c.oid, c.relname, c.relkind, c.relacl, c.relowner FROM pg_catalog.pg_class c
         WHERE c.relnamespace = nsp AND c.relkind IN ('r', 'S', 'v') ORDER BY c.oid
    LOOP
        object := CASE rel.relkind WHEN 'r' THEN 'table ' WHEN 'S' THEN 'sequence ' ELSE 'view ' END || rel.relname;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.format('ALTER %s %I.%I OWNER TO %I',
                                 CASE rel.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
                                 tenant_schema, rel.relname, pg_catalog.pg_get_userbyid(rel.relowner));
        RETURN NEXT;
        FOR ddl IN
            SELECT pg_catalog.format('GRANT %s ON %s %I.%I TO %s%s', x.privilege_type,
                                     CASE rel.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                                     tenant_schema, rel.relname,
                                     CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                          ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END,
                                     CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
              FROM pg_catalog.aclexplode(rel.relacl) x
             WHERE x.grantee <> rel.relowner
        LOOP
            step := step + 1;
            RETURN NEXT;
        END LOOP;
    END LOOP;

    -- owners and privileges of functions
    FOR rel IN
        SELECT p.oid, p.prokind, p.proacl, p.proowner, p.oid::pg_catalog.regprocedure::text AS signature
          FROM pg_catalog.pg_proc p WHERE p.pronamespace = nsp AND p.prokind IN ('f', 'p') ORDER BY p.oid
    LOOP
        object := CASE rel.prokind WHEN 'f' THEN 'function ' ELSE 'procedure ' END || rel.signature;
        CONTINUE WHEN NOT object = ANY (objects);
        step := step + 1;
        ddl := pg_catalog.format('ALTER ROUTINE %s OWNER TO %I', rel.signature, pg_catalog.pg_get_userbyid(rel.proowner));
        RETURN NEXT;
        IF rel.proacl IS NOT NULL THEN
            step := step + 1;
            ddl := pg_catalog.format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', rel.signature);
            RETURN NEXT;
            FOR ddl IN
                SELECT pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO %s%s', rel.signature,
                                         CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                              ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END,
                                         CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
                  FROM pg_catalog.aclexplode(rel.proacl) x
                 WHERE x.grantee <> rel.proowner
            LOOP
                step := step + 1;
                RETURN NEXT;
            END LOOP;
        END IF;
    END LOOP;
END
$fn$;
