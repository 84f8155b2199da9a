-- The application role fails closed without the module: its
-- session_preload_libraries names wellness_tenancy, whose _PG_init refuses
-- the login unless the module is also in shared_preload_libraries (a server
-- restarted without the preload, a restore into a plain server).  Provisioning
-- sets it for app roles created later; this sets it for the one that exists.
DO $fail_closed$
DECLARE
    app_role text := pg_catalog.current_setting('wellness_tenancy.app_role', true);
    current text;
BEGIN
    IF app_role IS NULL OR pg_catalog.to_regrole(pg_catalog.quote_ident(app_role)) IS NULL THEN
        RETURN;
    END IF;
    SELECT pg_catalog.substr(s.setting, pg_catalog.strpos(s.setting, '=') + 1) INTO current
      FROM pg_catalog.pg_db_role_setting d, pg_catalog.unnest(d.setconfig) AS s(setting)
     WHERE d.setdatabase = 0 AND d.setrole = pg_catalog.to_regrole(pg_catalog.quote_ident(app_role))
       AND s.setting LIKE 'session\_preload\_libraries=%';
    IF current IS NULL OR current = '' THEN
        current := 'wellness_tenancy';
    ELSIF pg_catalog.strpos(current, 'wellness_tenancy') = 0 THEN
        current := current || ', wellness_tenancy';
    ELSE
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('ALTER ROLE %I SET session_preload_libraries = %L', app_role, current);
END
$fail_closed$;
