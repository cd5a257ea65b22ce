-- The status engine: figures kept with each snapshot, the red and yellow items frozen with weekly
-- snapshots (for "since last week"), and a wake-up for the recomputation job on every change.

ALTER TABLE ranking_snapshots
    ADD COLUMN red_items       integer NOT NULL DEFAULT 0 CHECK (red_items >= 0),
    ADD COLUMN yellow_items    integer NOT NULL DEFAULT 0 CHECK (yellow_items >= 0),
    ADD COLUMN red_projects    integer NOT NULL DEFAULT 0 CHECK (red_projects >= 0),
    ADD COLUMN yellow_projects integer NOT NULL DEFAULT 0 CHECK (yellow_projects >= 0);
CREATE INDEX ranking_snapshots_weekly_idx ON ranking_snapshots (as_of DESC) WHERE kind = 'weekly';

-- The open items that were yellow or red when a weekly snapshot was frozen.
CREATE TABLE snapshot_items (
    snapshot_id  uuid NOT NULL REFERENCES ranking_snapshots (id) ON DELETE CASCADE,
    item_id      uuid NOT NULL REFERENCES checklist_items (id),
    colour       text NOT NULL CHECK (colour IN ('yellow', 'red')),
    overdue_days integer NOT NULL CHECK (overdue_days >= 1),
    PRIMARY KEY (snapshot_id, item_id)
);

-- The red and yellow items, most overdue first, read without a sort.
CREATE INDEX item_status_flagged_idx ON item_status (overdue_days DESC) WHERE colour IN ('yellow', 'red');

-- Red and yellow items per responsible unit, as of the last run.
CREATE TABLE unit_standings (
    unit_id        uuid PRIMARY KEY REFERENCES units (id),
    red            integer NOT NULL CHECK (red >= 0),
    yellow         integer NOT NULL CHECK (yellow >= 0),
    overdue_total  integer NOT NULL CHECK (overdue_total >= 0)
);
CREATE INDEX checklist_items_closed_idx ON checklist_items (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX checklist_items_created_idx ON checklist_items (created_at);

-- Any change that can move a colour wakes the job (NOTIFY is only a wake-up: the job also polls).
CREATE FUNCTION notify_recompute() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zhuanban_recompute', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER checklist_items_recompute AFTER INSERT OR UPDATE OR DELETE ON checklist_items
    FOR EACH STATEMENT EXECUTE FUNCTION notify_recompute();
CREATE TRIGGER settings_recompute AFTER UPDATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION notify_recompute();
CREATE TRIGGER task_forces_recompute AFTER INSERT OR UPDATE OR DELETE ON task_forces
    FOR EACH STATEMENT EXECUTE FUNCTION notify_recompute();
