-- Meetings and notices: the projects a notice names (to find notices by project), and a meeting's
-- place in the order of the notices published from it.

ALTER TABLE notices ADD COLUMN project_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX notices_projects_idx ON notices USING gin (project_ids);
CREATE INDEX meeting_decisions_meeting_idx ON meeting_decisions (meeting_id);
CREATE INDEX checklist_items_open_meeting_idx ON checklist_items (project_id) WHERE source = 'meeting_decision' AND state = 'open';

-- A secret calendar feed per user: only the SHA-256 of its token is kept; revoking deletes it.
CREATE TABLE calendar_feeds (
    user_id     uuid PRIMARY KEY REFERENCES users (id),
    token_hash  bytea NOT NULL CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT calendar_feeds_token_key UNIQUE (token_hash)
);
