-- Issue 9 (load): each project's open-item figures as of the last recomputation, so that the
-- projects list sorts and filters 2,000 projects by colour without aggregating every open item on
-- each page view. Written by the status engine with the item colours, only where they changed.
CREATE TABLE project_status (
    project_id     uuid PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    open_items     integer NOT NULL CHECK (open_items > 0),
    red_items      integer NOT NULL CHECK (red_items >= 0),
    yellow_items   integer NOT NULL CHECK (yellow_items >= 0),
    -- The open item with the earliest deadline: it decides the project's colour.
    worst_title    text NOT NULL,
    worst_deadline date NOT NULL,
    worst_unit_id  uuid NOT NULL REFERENCES units (id)
);

-- The dashboard counts the current snapshot's task forces by colour.
CREATE INDEX ranking_entries_colour_idx ON ranking_entries (snapshot_id, colour);

-- The county pages keep each run's results (by the live snapshot's id): a project's new stage or
-- name must wake the engine like a checklist change, so that the next run shows it.
CREATE TRIGGER projects_recompute AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION notify_recompute();
-- The same for investors' requests, which the dashboard and rankings count.
CREATE TRIGGER investor_requests_recompute AFTER INSERT OR UPDATE OR DELETE ON investor_requests
    FOR EACH STATEMENT EXECUTE FUNCTION notify_recompute();
