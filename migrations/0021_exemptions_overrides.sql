-- Exemptions (不可抗力, 政策调整): an official exempts an item with a reason through an end date.
-- While exempt it keeps its colour, marked, but counts in no list, notice or project colour.
ALTER TABLE checklist_items
    ADD COLUMN exempt_until date,
    ADD COLUMN exempt_reason text CHECK (exempt_reason IS NULL OR length(exempt_reason) BETWEEN 1 AND 1000),
    ADD COLUMN exempt_by uuid REFERENCES users (id),
    ADD CONSTRAINT checklist_items_exemption CHECK ((exempt_until IS NULL) = (exempt_reason IS NULL));

-- The rule of domain::status::counts, once: an item counts on `today` unless exempt through it.
CREATE FUNCTION item_counts(today date, exempt_until date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT exempt_until IS NULL OR exempt_until < today $$;

-- Overrides: an official sets a project's colour with a reason through an end date; the computed
-- colour stays beside it.
ALTER TABLE projects
    ADD COLUMN override_colour text CHECK (override_colour IN ('green', 'yellow', 'red')),
    ADD COLUMN override_reason text CHECK (override_reason IS NULL OR length(override_reason) BETWEEN 1 AND 1000),
    ADD COLUMN override_until date,
    ADD COLUMN override_by uuid REFERENCES users (id),
    ADD CONSTRAINT projects_override CHECK ((override_colour IS NULL) = (override_reason IS NULL)
                                            AND (override_colour IS NULL) = (override_until IS NULL));

-- Public disclosure (亮屏): /public shows the published lists without login, once an admin turns it on.
ALTER TABLE settings
    ADD COLUMN public_disclosure integer NOT NULL DEFAULT 0 CHECK (public_disclosure BETWEEN 0 AND 1);
