-- Meetings and notices: the projects a notice names (to find notices by project), and a meeting's
-- place in the order of the notices published from it.

ALTER TABLE notices ADD COLUMN project_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX notices_projects_idx ON notices USING gin (project_ids);
CREATE INDEX meeting_decisions_meeting_idx ON meeting_decisions (meeting_id);
CREATE INDEX checklist_items_open_meeting_idx ON checklist_items (project_id) WHERE source = 'meeting_decision' AND state = 'open';
