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

-- Checklist templates per kind of project: each line a usual matter, its responsible unit and
-- category, and its deadline as days after the project's start.
CREATE TABLE checklist_templates (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    description  text CHECK (description IS NULL OR length(description) <= 2000),
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT checklist_templates_name_key UNIQUE (name)
);

CREATE TABLE checklist_template_lines (
    template_id  uuid NOT NULL REFERENCES checklist_templates (id) ON DELETE CASCADE,
    position     integer NOT NULL CHECK (position >= 1),
    title        text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    category     text NOT NULL CHECK (category IN (
                     'land', 'planning_approval', 'environment_energy', 'construction',
                     'utilities', 'finance_tax', 'other')),
    unit_id      uuid NOT NULL REFERENCES units (id),
    offset_days  integer NOT NULL CHECK (offset_days BETWEEN 0 AND 3650),
    PRIMARY KEY (template_id, position)
);
