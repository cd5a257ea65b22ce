-- The colour rule of domain::status::colour_for_overdue, once, for every query that colours an open
-- item: green until its deadline has passed, yellow for up to `red_after` days overdue, red after.
-- One SELECT, immutable: the planner inlines it into each query that uses it.
CREATE FUNCTION item_colour(today date, deadline date, red_after int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN today - deadline > red_after THEN 'red'
                      WHEN today - deadline >= 1 THEN 'yellow'
                      ELSE 'green' END $$;
