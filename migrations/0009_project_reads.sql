-- The project page reads a project's latest progress: each update keeps its item's project, so that
-- this is one index range rather than a walk through the updates of every item of the project. The
-- pair is checked against the item, so the copy cannot disagree with it.
ALTER TABLE checklist_items ADD CONSTRAINT checklist_items_id_project_key UNIQUE (id, project_id);
ALTER TABLE progress_updates ADD COLUMN project_id uuid;
UPDATE progress_updates pu SET project_id = i.project_id FROM checklist_items i WHERE i.id = pu.item_id;
ALTER TABLE progress_updates ALTER COLUMN project_id SET NOT NULL,
    ADD CONSTRAINT progress_updates_item_project_fkey FOREIGN KEY (item_id, project_id)
        REFERENCES checklist_items (id, project_id);
CREATE INDEX progress_updates_project_idx ON progress_updates (project_id, created_at DESC);

-- Histories are read newest first, ties (entries of one transaction) by id: the indexes give that
-- order whole, so the latest few entries are read without sorting all of a project's.
DROP INDEX audit_log_project_idx;
CREATE INDEX audit_log_project_idx ON audit_log (project_id, at DESC, id DESC) WHERE project_id IS NOT NULL;
DROP INDEX audit_log_entity_idx;
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC, id DESC);
