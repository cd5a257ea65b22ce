-- A checked import waits on the server for its confirmation under a one-time id: the confirm form
-- carries only that id, and a confirmation sent twice finds nothing the second time. The cells are
-- kept as read and checked again on confirmation (a unit may have gone meanwhile).
CREATE TABLE pending_imports (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The project a checklist goes into; NULL for a projects sheet.
    project_id uuid REFERENCES projects (id) ON DELETE CASCADE,
    cells      jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_imports_age ON pending_imports (created_at);

-- The most items (or projects) one import may create, checked before the preview.
ALTER TABLE settings
    ADD COLUMN import_max_rows integer NOT NULL DEFAULT 5000 CHECK (import_max_rows BETWEEN 1 AND 10000);

-- An event about several items at once (an import's items for one unit; the units a notice names).
ALTER TABLE events ADD COLUMN item_count integer CHECK (item_count IS NULL OR item_count >= 0);

-- Each robot is sent to on its own, at most 20 messages a minute: its recent attempts, by robot.
CREATE INDEX webhook_deliveries_recent_idx ON webhook_deliveries (webhook_id, last_attempt_at)
    WHERE last_attempt_at IS NOT NULL;
