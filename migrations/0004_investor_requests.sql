-- Investor requests (企业诉求): optimistic locking for triage, when the help was rated, and bounds on
-- the free text the triage adds. Progress updates an investor may read keep their own index. The
-- working-day calendar their service levels are counted in.

ALTER TABLE investor_requests
    ADD COLUMN version  integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN rated_at timestamptz,
    ADD CONSTRAINT investor_requests_rating_pair CHECK ((rating IS NULL) = (rated_at IS NULL)),
    ADD CONSTRAINT investor_requests_rating_comment CHECK (rating_comment IS NULL OR rating IS NOT NULL),
    ADD CONSTRAINT investor_requests_decline_reason CHECK (
        decline_reason IS NULL OR length(btrim(decline_reason)) BETWEEN 1 AND 2000),
    ADD CONSTRAINT investor_requests_declined_only CHECK (state = 'declined' OR decline_reason IS NULL);

CREATE INDEX investor_requests_submitter_idx ON investor_requests (submitted_by, created_at DESC);
CREATE INDEX progress_updates_investor_idx ON progress_updates (item_id, created_at DESC) WHERE for_investor;

-- Working days are Monday to Friday except these: the State Council's public holidays (a weekday
-- off) and the weekend days worked in exchange (调休上班), kept by the admin on the settings page.
CREATE TABLE working_day_exceptions (
    day      date PRIMARY KEY,
    working  boolean NOT NULL
);
