-- Exemptions (不可抗力, 政策调整): an official exempts an item with a reason through an end date.
-- While exempt it keeps its colour, marked, but counts in no list, notice or project colour.
ALTER TABLE checklist_items
    ADD COLUMN exempt_until date,
    ADD COLUMN exempt_reason text CHECK (exempt_reason IS NULL OR length(exempt_reason) BETWEEN 1 AND 1000),
    ADD COLUMN exempt_by uuid REFERENCES users (id),
    ADD CONSTRAINT checklist_items_exemption CHECK ((exempt_until IS NULL) = (exempt_reason IS NULL));

-- The rankings page lists the exemptions in force: few rows of many.
CREATE INDEX checklist_items_exempt_idx ON checklist_items (exempt_until) WHERE exempt_until IS NOT NULL;

-- The rule of domain::adjustment::counts, once: an item counts on `today` unless exempt through it.
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

-- The scored ranking method (domain::score): chosen by a setting, with its weights; each snapshot
-- keeps the method it was made with (NULL: by the rule) and each entry its score and breakdown.
ALTER TABLE settings
    ADD COLUMN ranking_method integer NOT NULL DEFAULT 0 CHECK (ranking_method BETWEEN 0 AND 1),
    ADD COLUMN score_red_item integer NOT NULL DEFAULT 10 CHECK (score_red_item BETWEEN 0 AND 100),
    ADD COLUMN score_overdue_day integer NOT NULL DEFAULT 1 CHECK (score_overdue_day BETWEEN 0 AND 100),
    ADD COLUMN score_overdue_cap integer NOT NULL DEFAULT 30 CHECK (score_overdue_cap BETWEEN 0 AND 1000),
    ADD COLUMN score_late_request integer NOT NULL DEFAULT 5 CHECK (score_late_request BETWEEN 0 AND 100),
    ADD COLUMN score_late_order integer NOT NULL DEFAULT 5 CHECK (score_late_order BETWEEN 0 AND 100),
    ADD COLUMN score_on_time_item integer NOT NULL DEFAULT 2 CHECK (score_on_time_item BETWEEN 0 AND 100),
    ADD COLUMN score_investment_ahead integer NOT NULL DEFAULT 5 CHECK (score_investment_ahead BETWEEN 0 AND 100);

ALTER TABLE ranking_snapshots ADD COLUMN method jsonb;
ALTER TABLE ranking_entries ADD COLUMN score integer, ADD COLUMN score_breakdown jsonb;
