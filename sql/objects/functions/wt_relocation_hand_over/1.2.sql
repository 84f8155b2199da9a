-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_hand_over(text, text) IS
    'internal (relocation, source side): record the tenant''s new home in this registry';
