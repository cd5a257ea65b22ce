-- The county's investment pages read every project's confirmed reports with their amounts: from
-- the index alone, in project order.
CREATE INDEX monthly_reports_confirmed_amounts_idx ON monthly_reports (project_id, month) INCLUDE (completed)
    WHERE confirmed;
