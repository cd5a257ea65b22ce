-- Marks of change, for the pages that keep what they read between requests (a project's page, a
-- unit's queue; app::kept). Every change to a table those pages read leaves, in its own
-- transaction, a mark on what it concerns: a project, a unit, or the nil id for what every page
-- shows (the names of units and people, projects' names, the settings). One mark per key and
-- transaction; `weight` counts the transactions a mark stands for once marks are folded together
-- (db::changes::fold). The sum of the weights of a key's marks and the nil id's, as a statement
-- sees them, counts the committed transactions that changed what the key's page shows: it grows
-- with each such commit, is the same for any two snapshots that see the same of them (snapshots see
-- commits in the order they happened), and a rolled-back change leaves no mark. A page kept with
-- the count it was read after answers a request that finds the same count; any other count reads
-- it again. Marks come from triggers, so a change written straight to the database counts too.
CREATE TABLE changes (
    key uuid NOT NULL,
    xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
    weight bigint NOT NULL DEFAULT 1 CHECK (weight > 0),
    PRIMARY KEY (key, xact)
);

-- A mark on each key named by the columns given as arguments, in the rows before and after: one
-- statement per row (each row is made JSON once).
CREATE FUNCTION mark_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
    INSERT INTO changes (key)
        SELECT DISTINCT (r ->> c)::uuid FROM unnest(TG_ARGV) c, unnest(ARRAY[old_row, new_row]) r
        WHERE r ->> c IS NOT NULL
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

-- A mark on the project of the task force named by `task_force_id`, before and after.
CREATE FUNCTION mark_task_force_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (key)
        SELECT f.project_id FROM task_forces f
        WHERE f.id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.task_force_id END,
                       CASE WHEN TG_OP <> 'DELETE' THEN NEW.task_force_id END)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

-- A mark on everything.
CREATE FUNCTION mark_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (key) VALUES ('00000000-0000-0000-0000-000000000000') ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

-- What a project's page reads (db::projects::sheet, db::items::lines_of_project,
-- db::investment::year_of) and a unit's queue (db::items::unit_queue).
CREATE TRIGGER projects_changes AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION mark_rows('id');
CREATE TRIGGER projects_renamed AFTER UPDATE OF name ON projects
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION mark_all();
CREATE TRIGGER task_forces_changes AFTER INSERT OR UPDATE OR DELETE ON task_forces
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER task_force_units_changes AFTER INSERT OR UPDATE OR DELETE ON task_force_units
    FOR EACH ROW EXECUTE FUNCTION mark_task_force_rows();
CREATE TRIGGER task_force_members_changes AFTER INSERT OR UPDATE OR DELETE ON task_force_members
    FOR EACH ROW EXECUTE FUNCTION mark_task_force_rows();
CREATE TRIGGER project_stage_dates_changes AFTER INSERT OR UPDATE OR DELETE ON project_stage_dates
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER investor_projects_changes AFTER INSERT OR UPDATE OR DELETE ON investor_projects
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER progress_updates_changes AFTER INSERT OR UPDATE OR DELETE ON progress_updates
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER checklist_items_changes AFTER INSERT OR UPDATE OR DELETE ON checklist_items
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id', 'responsible_unit_id');
CREATE TRIGGER audit_log_changes AFTER INSERT OR UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER investor_requests_changes AFTER INSERT OR UPDATE OR DELETE ON investor_requests
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER monthly_reports_changes AFTER INSERT OR UPDATE OR DELETE ON monthly_reports
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER investment_plans_changes AFTER INSERT OR UPDATE OR DELETE ON investment_plans
    FOR EACH ROW EXECUTE FUNCTION mark_rows('project_id');
CREATE TRIGGER units_changes AFTER UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION mark_all();
CREATE TRIGGER users_renamed AFTER UPDATE OF display_name, username ON users
    FOR EACH STATEMENT EXECUTE FUNCTION mark_all();
CREATE TRIGGER settings_changes AFTER UPDATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION mark_all();
