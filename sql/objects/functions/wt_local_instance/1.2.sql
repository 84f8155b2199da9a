-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_local_instance() IS
    'internal (relocation): the name of this instance, the wt_instances row marked is_local';
