-- A task force is named after its project with 专班 after it: a project name may have 200
-- characters, so its task force's name up to 202.
ALTER TABLE task_forces DROP CONSTRAINT task_forces_name_check;
ALTER TABLE task_forces ADD CONSTRAINT task_forces_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 202);
