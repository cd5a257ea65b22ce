-- The province-scale dataset (2,000 projects and task forces, 100,000 checklist items with 200,000
-- progress updates and their audit trail, 200 units, 5,000 users, each project's investment plans
-- and twelve monthly reports) added to a demo database; used by bench/engine.sh,
-- bench/notifications.sh and bench/load.sh.
INSERT INTO units (code, name) SELECT 'u' || g, '单位' || g FROM generate_series(1, 189) g;
INSERT INTO users (username, display_name, role, unit_id, password_hash)
SELECT 'user' || g, '用户' || g, 'member', (SELECT id FROM units ORDER BY code OFFSET g % 200 LIMIT 1),
       (SELECT password_hash FROM users WHERE username = 'official')
FROM generate_series(1, 4995) g;
INSERT INTO projects (name, company, park, stage, total_investment_wan)
SELECT '省级项目' || g, '企业' || g, '园区' || (g % 40),
       (ARRAY['negotiating', 'signed', 'filed', 'land_secured', 'construction_started', 'completed', 'in_production'])[1 + g % 7],
       (g % 500) * 1000
FROM generate_series(1, 1995) g;
INSERT INTO task_forces (project_id, name, leader_name, lead_unit_id)
SELECT p.id, p.name || '专班', '副县长', (SELECT id FROM units ORDER BY code OFFSET (hashtext(p.name) & 127) LIMIT 1)
FROM projects p WHERE p.name LIKE '省级项目%';
CREATE TEMP TABLE unit_pick AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, id FROM units;
INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline, state, closing_note,
                             closed_on, closed_at, created_at)
SELECT p.id, '事项' || i, u.id, d, d,
       CASE WHEN i % 3 = 0 THEN 'done' ELSE 'open' END,
       CASE WHEN i % 3 = 0 THEN '已办' END,
       CASE WHEN i % 3 = 0 THEN d + (i % 5 - 2) END,
       CASE WHEN i % 3 = 0 THEN (d + (i % 5 - 2))::timestamptz END,
       now() - interval '120 days'
FROM projects p
CROSS JOIN generate_series(1, 50) i
CROSS JOIN LATERAL (SELECT current_date + ((hashtext(p.name || i) % 90)) AS d) dd
JOIN unit_pick u ON u.n = ((hashtext(p.name) & 2147483647) + i) % 200
WHERE p.name LIKE '省级项目%';
-- Their history: each item's creation and two progress updates, in the audit log as the
-- application writes them (pages read the latest of both per project).
CREATE TEMP TABLE province_items AS
SELECT i.id, i.project_id, i.title, i.created_at FROM checklist_items i JOIN projects p ON p.id = i.project_id
WHERE p.name LIKE '省级项目%';
INSERT INTO progress_updates (item_id, project_id, body, created_at)
SELECT id, project_id, '进展' || n, created_at + n * interval '20 days' FROM province_items CROSS JOIN generate_series(1, 2) n;
INSERT INTO audit_log (at, actor_label, action, entity, entity_id, project_id, before, after)
SELECT created_at + n * interval '20 days', 'cli', CASE WHEN n = 0 THEN 'item.create' ELSE 'item.progress' END,
       'item', id, project_id, NULL,
       CASE WHEN n = 0 THEN jsonb_build_object('title', title) ELSE jsonb_build_object('progress', '进展' || n) END
FROM province_items CROSS JOIN generate_series(0, 2) n;
-- Investment: each project's plan for the years of the last twelve months, planned starts for
-- those not started, and its confirmed reports of those months (one project in ten has not
-- reported the month before this one yet).
INSERT INTO investment_plans (project_id, year, annual, planned_start_month, updated_by)
SELECT p.id, y.year, 1000 + (hashtext(p.name) & 1023) * 20,
       CASE WHEN p.stage IN ('negotiating', 'signed', 'filed', 'land_secured') THEN 1 + (hashtext(p.name) & 7) END,
       (SELECT id FROM users WHERE username = 'official')
FROM projects p
CROSS JOIN (SELECT DISTINCT extract(year FROM current_date - n * interval '1 month')::int AS year
            FROM generate_series(0, 12) n) y
WHERE p.name LIKE '省级项目%';
INSERT INTO monthly_reports (project_id, month, completed, progress, confirmed, drafted_by, confirmed_by, confirmed_at)
SELECT p.id, (date_trunc('month', current_date) - n * interval '1 month')::date,
       ((hashtext(p.name || n) & 1023) * 2 + 100)::numeric, '按计划推进（' || n || '）', true, o.id, o.id, now()
FROM projects p
CROSS JOIN generate_series(1, 12) n
CROSS JOIN (SELECT id FROM users WHERE username = 'official') o
WHERE p.name LIKE '省级项目%' AND NOT (n = 1 AND (hashtext(p.name) & 15) < 2);
ANALYZE;
