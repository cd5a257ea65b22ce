-- Evidence-based closing: a responsible unit submits an item as done with a note and attachments;
-- a lead or an official verifies it (done) or sends it back (open again). A submitted item stays
-- 'open' for colours, queues and rankings until it is verified, so the status engine is unchanged:
-- "submitted" is an open item with a submission.
ALTER TABLE checklist_items
    ADD COLUMN submitted_at    timestamptz,
    ADD COLUMN submitted_by    uuid REFERENCES users (id),
    ADD COLUMN submission_note text CHECK (submission_note IS NULL OR length(submission_note) <= 5000),
    ADD CONSTRAINT checklist_items_submission CHECK ((submitted_at IS NULL) = (submission_note IS NULL));
-- The verifiers' queue: open items waiting for verification, oldest first.
CREATE INDEX checklist_items_submitted_idx ON checklist_items (submitted_at)
    WHERE state = 'open' AND submitted_at IS NOT NULL;

-- Evidence files, kept in the database so one backup holds everything.
CREATE TABLE item_attachments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id       uuid NOT NULL REFERENCES checklist_items (id),
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 255),
    content_type  text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 100),
    size          integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    content       bytea NOT NULL,
    -- Attachments are internal unless marked for the investor.
    for_investor  boolean NOT NULL DEFAULT false,
    uploaded_by   uuid REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (length(content) = size)
);
-- Files are mostly compressed already (JPEG, PDF, zip-based office formats): do not try again.
ALTER TABLE item_attachments ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX item_attachments_item_idx ON item_attachments (item_id, created_at);
