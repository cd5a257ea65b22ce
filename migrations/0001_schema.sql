-- The whole model of DOMAIN.md. Integrity lives here as well as in the code:
-- foreign keys, NOT NULL, CHECKs on every enumeration, unique keys, and the indexes the pages use.

-- Settings: one typed row, so every threshold has a type and a range.
CREATE TABLE settings (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    red_after_days  integer NOT NULL DEFAULT 7 CHECK (red_after_days BETWEEN 0 AND 365),
    due_soon_days   integer NOT NULL DEFAULT 3 CHECK (due_soon_days BETWEEN 0 AND 365),
    red_list_size   integer NOT NULL DEFAULT 3 CHECK (red_list_size BETWEEN 1 AND 100),
    time_zone       text    NOT NULL DEFAULT 'Asia/Shanghai' CHECK (length(time_zone) BETWEEN 1 AND 64),
    request_triage_days  integer NOT NULL DEFAULT 2 CHECK (request_triage_days BETWEEN 1 AND 60),
    request_resolve_days integer NOT NULL DEFAULT 5 CHECK (request_resolve_days BETWEEN 1 AND 365),
    session_idle_minutes integer NOT NULL DEFAULT 30 CHECK (session_idle_minutes BETWEEN 5 AND 1440),
    session_max_hours    integer NOT NULL DEFAULT 12 CHECK (session_max_hours BETWEEN 1 AND 168),
    county_name     text    NOT NULL DEFAULT '崇义县' CHECK (length(county_name) BETWEEN 1 AND 100),
    -- Set when the demo dataset was loaded: the login page then says it is a demo.
    demo_seeded_at  timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings DEFAULT VALUES;

CREATE TABLE units (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT units_code_key UNIQUE (code),
    CONSTRAINT units_name_key UNIQUE (name)
);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$'),
    display_name  text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
    role          text NOT NULL CHECK (role IN ('admin', 'official', 'lead', 'member', 'investor')),
    unit_id       uuid REFERENCES units (id),
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- A member acts for a responsible unit; without one they could do nothing.
    CONSTRAINT users_member_has_unit CHECK (role <> 'member' OR unit_id IS NOT NULL),
    -- Investors belong to companies, not to county units.
    CONSTRAINT users_investor_no_unit CHECK (role <> 'investor' OR unit_id IS NULL)
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- API bearer tokens: only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id),
    token_hash   bytea NOT NULL CHECK (length(token_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Every login attempt, so throttling holds across server instances.
CREATE TABLE login_attempts (
    id         bigserial PRIMARY KEY,
    username   text NOT NULL,
    address    text NOT NULL,
    succeeded  boolean NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_username_idx ON login_attempts (lower(username), at DESC);
CREATE INDEX login_attempts_address_idx ON login_attempts (address, at DESC);

CREATE TABLE projects (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    company          text NOT NULL CHECK (length(btrim(company)) BETWEEN 1 AND 200),
    park             text CHECK (park IS NULL OR length(btrim(park)) BETWEEN 1 AND 100),
    industry         text CHECK (industry IS NULL OR length(btrim(industry)) BETWEEN 1 AND 100),
    -- National investment project code (项目代码), e.g. 2023-360725-30-03-012345.
    investment_code  text CHECK (investment_code IS NULL OR investment_code ~ '^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$'),
    -- Total investment in units of 10,000 yuan (万元), the unit county reports use.
    total_investment_wan bigint CHECK (total_investment_wan IS NULL OR total_investment_wan >= 0),
    stage            text NOT NULL DEFAULT 'negotiating' CHECK (stage IN (
                         'negotiating', 'signed', 'filed', 'land_secured',
                         'construction_started', 'completed', 'in_production')),
    description      text CHECK (description IS NULL OR length(description) <= 5000),
    version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by       uuid REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_stage_idx ON projects (stage);
CREATE INDEX projects_name_idx ON projects (name);
CREATE UNIQUE INDEX projects_investment_code_key ON projects (investment_code) WHERE investment_code IS NOT NULL;

-- Planned and actual dates of each lifecycle stage of a project.
CREATE TABLE project_stage_dates (
    project_id  uuid NOT NULL REFERENCES projects (id),
    stage       text NOT NULL CHECK (stage IN (
                    'negotiating', 'signed', 'filed', 'land_secured',
                    'construction_started', 'completed', 'in_production')),
    planned_on  date,
    actual_on   date,
    PRIMARY KEY (project_id, stage),
    CHECK (planned_on IS NOT NULL OR actual_on IS NOT NULL)
);

-- Investor accounts see only the projects they are linked to.
CREATE TABLE investor_projects (
    user_id     uuid NOT NULL REFERENCES users (id),
    project_id  uuid NOT NULL REFERENCES projects (id),
    PRIMARY KEY (user_id, project_id)
);
CREATE INDEX investor_projects_project_idx ON investor_projects (project_id);

CREATE TABLE task_forces (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id      uuid NOT NULL REFERENCES projects (id),
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- The group leader (组长) is a county leader, who often has no account of their own; a task
    -- force may be set up before the leader is named.
    leader_name     text CHECK (leader_name IS NULL OR length(btrim(leader_name)) BETWEEN 1 AND 100),
    leader_user_id  uuid REFERENCES users (id),
    lead_unit_id    uuid NOT NULL REFERENCES units (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT task_forces_project_key UNIQUE (project_id),
    CONSTRAINT task_forces_name_key UNIQUE (name)
);
CREATE INDEX task_forces_lead_unit_idx ON task_forces (lead_unit_id);

-- The element-guarantee departments (要素保障部门) that are members of a task force.
CREATE TABLE task_force_units (
    task_force_id  uuid NOT NULL REFERENCES task_forces (id),
    unit_id        uuid NOT NULL REFERENCES units (id),
    PRIMARY KEY (task_force_id, unit_id)
);
CREATE INDEX task_force_units_unit_idx ON task_force_units (unit_id);

-- People of a task force; a user with role 'lead' edits the checklists of the task forces listed here.
CREATE TABLE task_force_members (
    task_force_id  uuid NOT NULL REFERENCES task_forces (id),
    user_id        uuid NOT NULL REFERENCES users (id),
    duty           text NOT NULL DEFAULT 'member' CHECK (duty IN ('leader', 'liaison', 'member')),
    PRIMARY KEY (task_force_id, user_id)
);
CREATE INDEX task_force_members_user_idx ON task_force_members (user_id);

CREATE TABLE meetings (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind           text NOT NULL CHECK (kind IN ('weekly', 'onsite', 'special')),
    title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    starts_at      timestamptz NOT NULL,
    place          text CHECK (place IS NULL OR length(place) <= 200),
    chair_name     text CHECK (chair_name IS NULL OR length(chair_name) <= 100),
    chair_user_id  uuid REFERENCES users (id),
    state          text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'held', 'cancelled')),
    minutes        text CHECK (minutes IS NULL OR length(minutes) <= 20000),
    version        integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by     uuid REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meetings_starts_at_idx ON meetings (starts_at DESC);

CREATE TABLE meeting_projects (
    meeting_id  uuid NOT NULL REFERENCES meetings (id),
    project_id  uuid NOT NULL REFERENCES projects (id),
    position    integer NOT NULL DEFAULT 0,
    minutes     text CHECK (minutes IS NULL OR length(minutes) <= 20000),
    PRIMARY KEY (meeting_id, project_id)
);
CREATE INDEX meeting_projects_project_idx ON meeting_projects (project_id);

CREATE TABLE meeting_units (
    meeting_id  uuid NOT NULL REFERENCES meetings (id),
    unit_id     uuid NOT NULL REFERENCES units (id),
    PRIMARY KEY (meeting_id, unit_id)
);

CREATE TABLE meeting_attendees (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    meeting_id  uuid NOT NULL REFERENCES meetings (id),
    user_id     uuid REFERENCES users (id),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    unit_id     uuid REFERENCES units (id),
    invited     boolean NOT NULL DEFAULT true,
    present     boolean
);
CREATE INDEX meeting_attendees_meeting_idx ON meeting_attendees (meeting_id);

-- Points of a meeting's agenda beyond the generated ones; the chair orders them.
CREATE TABLE meeting_agenda_points (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    meeting_id  uuid NOT NULL REFERENCES meetings (id),
    project_id  uuid REFERENCES projects (id),
    position    integer NOT NULL,
    text        text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 1000)
);
CREATE INDEX meeting_agenda_points_meeting_idx ON meeting_agenda_points (meeting_id, position);

-- Requests (诉求) an investor raises; accepted ones become checklist items.
CREATE TABLE investor_requests (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id      uuid NOT NULL REFERENCES projects (id),
    submitted_by    uuid NOT NULL REFERENCES users (id),
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    body            text CHECK (body IS NULL OR length(body) <= 5000),
    category        text NOT NULL DEFAULT 'other' CHECK (category IN (
                        'land', 'planning_approval', 'environment_energy', 'construction',
                        'utilities', 'finance_tax', 'other')),
    wished_on       date,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined')),
    triaged_by      uuid REFERENCES users (id),
    triaged_at      timestamptz,
    decline_reason  text,
    rating          smallint CHECK (rating BETWEEN 1 AND 5),
    rating_comment  text CHECK (rating_comment IS NULL OR length(rating_comment) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'pending') = (triaged_at IS NULL)),
    CHECK (state <> 'declined' OR decline_reason IS NOT NULL)
);
CREATE INDEX investor_requests_project_idx ON investor_requests (project_id, created_at DESC);
CREATE INDEX investor_requests_pending_idx ON investor_requests (created_at) WHERE state = 'pending';

CREATE TABLE checklist_items (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id           uuid NOT NULL REFERENCES projects (id),
    title                text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    category             text NOT NULL DEFAULT 'other' CHECK (category IN (
                             'land', 'planning_approval', 'environment_energy', 'construction',
                             'utilities', 'finance_tax', 'other')),
    responsible_unit_id  uuid NOT NULL REFERENCES units (id),
    deadline             date NOT NULL,
    -- The deadline first agreed; deadline changes keep it so lateness stays visible.
    original_deadline    date NOT NULL,
    state                text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
    source               text NOT NULL DEFAULT 'plan' CHECK (source IN (
                             'plan', 'meeting_decision', 'investor_request', 'onsite_dispatch')),
    note                 text CHECK (note IS NULL OR length(note) <= 5000),
    -- Notes are internal unless marked for the investor.
    note_for_investor    boolean NOT NULL DEFAULT false,
    closing_note         text CHECK (closing_note IS NULL OR length(closing_note) <= 5000),
    cancel_reason        text CHECK (cancel_reason IS NULL OR length(cancel_reason) <= 5000),
    -- Calendar day (county time) the item was closed: on-time means closed_on <= deadline.
    closed_on            date,
    closed_at            timestamptz,
    closed_by            uuid REFERENCES users (id),
    meeting_id           uuid REFERENCES meetings (id),
    investor_request_id  uuid REFERENCES investor_requests (id),
    version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by           uuid REFERENCES users (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT checklist_items_closed_fields CHECK ((state = 'open') = (closed_at IS NULL AND closed_on IS NULL)),
    CONSTRAINT checklist_items_done_note CHECK (state <> 'done' OR closing_note IS NOT NULL),
    CONSTRAINT checklist_items_cancel_reason CHECK (state <> 'cancelled' OR cancel_reason IS NOT NULL),
    CONSTRAINT checklist_items_meeting_source CHECK (source <> 'meeting_decision' OR meeting_id IS NOT NULL),
    CONSTRAINT checklist_items_request_source CHECK (source <> 'investor_request' OR investor_request_id IS NOT NULL),
    CONSTRAINT checklist_items_request_key UNIQUE (investor_request_id)
);
CREATE INDEX checklist_items_project_idx ON checklist_items (project_id, state, deadline);
CREATE INDEX checklist_items_unit_open_idx ON checklist_items (responsible_unit_id, deadline) WHERE state = 'open';
CREATE INDEX checklist_items_open_deadline_idx ON checklist_items (deadline) WHERE state = 'open';
CREATE INDEX checklist_items_meeting_idx ON checklist_items (meeting_id) WHERE meeting_id IS NOT NULL;

-- A decision of a meeting is the checklist item it created.
CREATE TABLE meeting_decisions (
    meeting_id  uuid NOT NULL REFERENCES meetings (id),
    project_id  uuid NOT NULL REFERENCES projects (id),
    item_id     uuid NOT NULL REFERENCES checklist_items (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, item_id),
    CONSTRAINT meeting_decisions_item_key UNIQUE (item_id)
);

CREATE TABLE progress_updates (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id     uuid NOT NULL REFERENCES checklist_items (id),
    author_id   uuid REFERENCES users (id),
    body        text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
    -- Updates are internal unless marked for the investor.
    for_investor boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX progress_updates_item_idx ON progress_updates (item_id, created_at DESC);

-- Current colour of each item as computed by the last recomputation.
CREATE TABLE item_status (
    item_id       uuid PRIMARY KEY REFERENCES checklist_items (id),
    as_of         date NOT NULL,
    colour        text CHECK (colour IN ('green', 'yellow', 'red')),
    overdue_days  integer NOT NULL,
    due_soon      boolean NOT NULL DEFAULT false,
    computed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recompute_runs (
    id           bigserial PRIMARY KEY,
    as_of        date NOT NULL,
    started_at   timestamptz NOT NULL,
    duration_ms  integer NOT NULL CHECK (duration_ms >= 0),
    items        integer NOT NULL CHECK (items >= 0),
    projects     integer NOT NULL CHECK (projects >= 0),
    red_items    integer NOT NULL CHECK (red_items >= 0),
    yellow_items integer NOT NULL CHECK (yellow_items >= 0)
);
CREATE INDEX recompute_runs_started_idx ON recompute_runs (started_at DESC);

-- Rankings as of a date: 'current' is replaced by each run; 'weekly' is frozen and never changes.
CREATE TABLE ranking_snapshots (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind        text NOT NULL CHECK (kind IN ('current', 'weekly')),
    as_of       date NOT NULL,
    meeting_id  uuid REFERENCES meetings (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ranking_snapshots_current_key ON ranking_snapshots (kind) WHERE kind = 'current';
CREATE UNIQUE INDEX ranking_snapshots_weekly_key ON ranking_snapshots (as_of) WHERE kind = 'weekly';

CREATE TABLE ranking_entries (
    snapshot_id    uuid NOT NULL REFERENCES ranking_snapshots (id) ON DELETE CASCADE,
    task_force_id  uuid NOT NULL REFERENCES task_forces (id),
    project_id     uuid NOT NULL REFERENCES projects (id),
    colour         text NOT NULL CHECK (colour IN ('green', 'yellow', 'red')),
    due            integer NOT NULL CHECK (due >= 0),
    on_time        integer NOT NULL CHECK (on_time >= 0 AND on_time <= due),
    red            integer NOT NULL CHECK (red >= 0),
    yellow         integer NOT NULL CHECK (yellow >= 0),
    overdue_total  integer NOT NULL CHECK (overdue_total >= 0),
    list           text CHECK (list IN ('red', 'black')),
    list_position  integer CHECK (list_position >= 1),
    PRIMARY KEY (snapshot_id, task_force_id),
    CHECK ((list IS NULL) = (list_position IS NULL))
);

-- Published notices (通报): their content is frozen at publication.
CREATE TABLE notices (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    number        integer NOT NULL CHECK (number >= 1),
    title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    body          text CHECK (body IS NULL OR length(body) <= 20000),
    as_of         date NOT NULL,
    meeting_id    uuid REFERENCES meetings (id),
    content       jsonb NOT NULL,
    published_by  uuid REFERENCES users (id),
    published_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notices_number_key UNIQUE (year, number)
);
CREATE INDEX notices_as_of_idx ON notices (as_of DESC);

-- Units a notice names, so units can find the notices about them.
CREATE TABLE notice_units (
    notice_id  uuid NOT NULL REFERENCES notices (id),
    unit_id    uuid NOT NULL REFERENCES units (id),
    PRIMARY KEY (notice_id, unit_id)
);
CREATE INDEX notice_units_unit_idx ON notice_units (unit_id);

-- Every change to project data: who, when, what, before and after.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     uuid REFERENCES users (id),
    -- Who acted when no user did: 'cli', 'demo', 'system'.
    actor_label  text NOT NULL,
    action       text NOT NULL CHECK (action ~ '^[a-z_.]{1,64}$'),
    entity       text NOT NULL CHECK (entity ~ '^[a-z_]{1,64}$'),
    entity_id    uuid,
    project_id   uuid REFERENCES projects (id),
    before       jsonb,
    after        jsonb
);
CREATE INDEX audit_log_project_idx ON audit_log (project_id, at DESC) WHERE project_id IS NOT NULL;
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
