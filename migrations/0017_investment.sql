-- Issue 21: investment against the time line (序时进度). Amounts are 万元 with two decimals.

ALTER TABLE settings
    ADD COLUMN report_due_day integer NOT NULL DEFAULT 5 CHECK (report_due_day BETWEEN 1 AND 28),
    ADD COLUMN investment_yellow_points integer NOT NULL DEFAULT 10 CHECK (investment_yellow_points BETWEEN 0 AND 100),
    ADD COLUMN investment_red_points integer NOT NULL DEFAULT 30 CHECK (investment_red_points BETWEEN 0 AND 100),
    -- 1: the investment colour counts in a project's colour; 0: shown, but not counted.
    ADD COLUMN investment_colour integer NOT NULL DEFAULT 1 CHECK (investment_colour IN (0, 1));

-- A project's plan for one year: the year's amount, optionally its twelve months, and the month
-- construction is planned to start (计划开工).
CREATE TABLE investment_plans (
    project_id          uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    year                integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    annual              numeric(16, 2) NOT NULL CHECK (annual >= 0),
    monthly             numeric(16, 2)[] CHECK (monthly IS NULL OR (cardinality(monthly) = 12 AND 0 <= ALL (monthly))),
    planned_start_month integer CHECK (planned_start_month BETWEEN 1 AND 12),
    version             integer NOT NULL DEFAULT 1,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          uuid REFERENCES users (id),
    PRIMARY KEY (project_id, year)
);
CREATE INDEX investment_plans_year_idx ON investment_plans (year);

-- A project's report of one month (月报): a draft (by the investor) until the task force confirms it.
CREATE TABLE monthly_reports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id   uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    month        date NOT NULL CHECK (extract(day FROM month) = 1),
    completed    numeric(16, 2) NOT NULL CHECK (completed >= 0),
    progress     text,
    problems     text,
    confirmed    boolean NOT NULL DEFAULT false,
    drafted_by   uuid REFERENCES users (id),
    confirmed_by uuid REFERENCES users (id),
    confirmed_at timestamptz,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, month),
    CHECK (confirmed = (confirmed_at IS NOT NULL))
);
CREATE INDEX monthly_reports_month_idx ON monthly_reports (month, project_id) WHERE confirmed;

-- A confirmed report is corrected only with a reason: each correction, with the figures before and after.
CREATE TABLE monthly_report_corrections (
    id           bigserial PRIMARY KEY,
    report_id    uuid NOT NULL REFERENCES monthly_reports (id) ON DELETE CASCADE,
    corrected_at timestamptz NOT NULL DEFAULT now(),
    corrected_by uuid REFERENCES users (id),
    reason       text NOT NULL CHECK (btrim(reason) <> ''),
    before       jsonb NOT NULL,
    after        jsonb NOT NULL
);
CREATE INDEX monthly_report_corrections_report_idx ON monthly_report_corrections (report_id, corrected_at);

-- The month's statement up (月度调度表), frozen at the office's command: it never changes afterwards.
CREATE TABLE monthly_statements (
    month     date PRIMARY KEY CHECK (extract(day FROM month) = 1),
    number    integer NOT NULL CHECK (number > 0),
    frozen_at timestamptz NOT NULL DEFAULT now(),
    frozen_by uuid REFERENCES users (id),
    content   jsonb NOT NULL
);
CREATE UNIQUE INDEX monthly_statements_number_idx ON monthly_statements ((extract(year FROM month)), number);

-- Plans and reports change the county's figures like checklist changes: they wake the engine.
CREATE TRIGGER investment_plans_recompute AFTER INSERT OR UPDATE OR DELETE ON investment_plans
    FOR EACH STATEMENT EXECUTE FUNCTION notify_recompute();
CREATE TRIGGER monthly_reports_recompute AFTER INSERT OR UPDATE OR DELETE ON monthly_reports
    FOR EACH STATEMENT EXECUTE FUNCTION notify_recompute();
