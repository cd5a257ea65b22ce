-- Rankings with memory: the red list needs items due over a rolling period, an on-time rate over
-- it and a clean week; each snapshot keeps the rule it was made with and the figures behind it.
ALTER TABLE settings
    ADD COLUMN red_min_due integer NOT NULL DEFAULT 3 CHECK (red_min_due BETWEEN 1 AND 1000),
    ADD COLUMN red_min_rate integer NOT NULL DEFAULT 90 CHECK (red_min_rate BETWEEN 0 AND 100),
    ADD COLUMN ranking_weeks integer NOT NULL DEFAULT 8 CHECK (ranking_weeks BETWEEN 1 AND 52);

ALTER TABLE ranking_entries
    ADD COLUMN period_due integer NOT NULL DEFAULT 0,
    ADD COLUMN period_on_time integer NOT NULL DEFAULT 0,
    ADD COLUMN recently_red integer NOT NULL DEFAULT 0;

-- NULL: made before the rule had memory (red = 0, yellow = 0, due ≥ 1).
ALTER TABLE ranking_snapshots ADD COLUMN red_rule jsonb;
