-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_source_facts(text, text) IS
    'internal (relocation, source side): what the target needs to know about the source, as one JSON document';
