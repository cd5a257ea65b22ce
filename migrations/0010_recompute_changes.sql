-- The engine's safety-net poll runs only when something changed: every statement that wakes the
-- engine also counts in a sequence (not transactional, takes no lock), and each run records the
-- count it started from. A poll that finds the count and the date unchanged records only that it
-- looked (checked_at), which is what "the colours are current" rests on.
CREATE SEQUENCE recompute_changes;

CREATE OR REPLACE FUNCTION notify_recompute() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('recompute_changes');
    PERFORM pg_notify('zhuanban_recompute', '');
    RETURN NULL;
END;
$$;

ALTER TABLE recompute_runs ADD COLUMN changes bigint, ADD COLUMN checked_at timestamptz;
