-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_switch_target(text, text, text, jsonb) IS
    'internal (relocation, target side): stop replicating, set sequences and make the tenant live here';
