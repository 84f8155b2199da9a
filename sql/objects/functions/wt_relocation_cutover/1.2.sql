-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_cutover(text, interval, interval, text) IS
    'relocation, on the target: block writes on the source, wait for every change, carry sequences, verify, switch both registries';
