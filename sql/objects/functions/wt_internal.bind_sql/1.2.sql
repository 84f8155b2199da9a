-- Relocation's remote SQL with parameters: every $n of the statement becomes
-- params[n], quoted once (quote_nullable).  dblink sends text only; this is
-- the one place where values enter remote SQL, and the only quoting level.
-- The statements are the extension's own: $n never appears in them otherwise.
CREATE FUNCTION wt_internal.bind_sql(statement text, params text[])
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    parts text[] := pg_catalog.regexp_split_to_array($1, '\$[0-9]+');
    result text := parts[1];
    placeholder text[];
    i integer := 1;
BEGIN
    FOR placeholder IN SELECT m FROM pg_catalog.regexp_matches($1, '\$([0-9]+)', 'g') AS m LOOP
        IF placeholder[1]::integer NOT BETWEEN 1 AND COALESCE(pg_catalog.cardinality($2), 0) THEN
            RAISE EXCEPTION 'remote statement has no parameter $%', placeholder[1]
                USING ERRCODE = 'undefined_parameter',
                      DETAIL = pg_catalog.format('%s parameter(s) given.', COALESCE(pg_catalog.cardinality($2), 0)),
                      HINT = 'This is a bug in wellness_tenancy''s relocation.';
        END IF;
        i := i + 1;
        result := result || pg_catalog.quote_nullable(($2)[placeholder[1]::integer]) || parts[i];
    END LOOP;
    RETURN result;
END
$fn$;
COMMENT ON FUNCTION wt_internal.bind_sql(text, text[]) IS
    'internal (relocation): a remote statement with each $n replaced by its parameter, quoted once';
REVOKE ALL ON FUNCTION wt_internal.bind_sql(text, text[]) FROM PUBLIC;
