-- Notifications: events (each created once, in the transaction of the change that caused it),
-- each user's inbox, their preferences, outgoing webhooks with a delivery outbox, and
-- supervision orders (督办单).

-- One row per thing that happened. `dedup_key` names the event (kind, object, recipient scope,
-- period or colour transition) so a job that runs again creates nothing new.
CREATE TABLE events (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind         text NOT NULL CHECK (kind IN (
                     'item_assigned', 'item_due_soon', 'item_yellow', 'item_red', 'decision_assigned',
                     'request_accepted', 'request_declined', 'request_item_closed', 'notice_published',
                     'supervision_order', 'supervision_reply')),
    dedup_key    text NOT NULL CHECK (length(dedup_key) BETWEEN 1 AND 200),
    -- The unit the event is about; NULL for events addressed to a company (requests).
    unit_id      uuid REFERENCES units (id),
    project_id   uuid REFERENCES projects (id),
    item_id      uuid REFERENCES checklist_items (id),
    meeting_id   uuid REFERENCES meetings (id),
    notice_id    uuid REFERENCES notices (id),
    request_id   uuid REFERENCES investor_requests (id),
    -- What the text names, frozen when the event happened.
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    deadline     date,
    overdue_days integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_dedup_key UNIQUE (dedup_key)
);
CREATE INDEX events_item_idx ON events (item_id) WHERE item_id IS NOT NULL;

-- The inbox: one row per event and receiver, written when the event is created.
CREATE TABLE notifications (
    event_id    uuid NOT NULL REFERENCES events (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC);
-- The bell: unread count per user from a small partial index.
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Event kinds a user turned off (everything reaches a user until they turn it off).
CREATE TABLE notification_mutes (
    user_id  uuid NOT NULL REFERENCES users (id),
    kind     text NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Group robots (WeCom / DingTalk): per unit, or county-wide when unit_id is NULL.
CREATE TABLE webhooks (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    format      text NOT NULL CHECK (format IN ('wecom', 'dingtalk')),
    message     text NOT NULL DEFAULT 'markdown' CHECK (message IN ('text', 'markdown')),
    unit_id     uuid REFERENCES units (id),
    -- DingTalk's signing secret (加签); it must be kept to sign, and is never shown again.
    secret      text CHECK (secret IS NULL OR length(secret) BETWEEN 1 AND 200),
    active      boolean NOT NULL DEFAULT true,
    created_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_unit_idx ON webhooks (unit_id) WHERE active;

-- The outbox: one delivery per webhook and event, retried with back-off until it is sent.
CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhooks (id),
    event_id        uuid NOT NULL REFERENCES events (id),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC);

-- Supervision orders (督办单): an official orders the responsible unit of a red item to reply
-- with its rectification plan by a deadline.
CREATE TABLE supervision_orders (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id     uuid NOT NULL REFERENCES checklist_items (id),
    unit_id     uuid NOT NULL REFERENCES units (id),
    demand      text NOT NULL CHECK (length(btrim(demand)) BETWEEN 1 AND 2000),
    reply_due   date NOT NULL,
    issued_by   uuid REFERENCES users (id),
    issued_on   date NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    reply       text CHECK (reply IS NULL OR length(btrim(reply)) BETWEEN 1 AND 5000),
    replied_by  uuid REFERENCES users (id),
    replied_on  date,
    replied_at  timestamptz,
    CHECK ((reply IS NULL) = (replied_on IS NULL) AND (reply IS NULL) = (replied_at IS NULL))
);
-- One unanswered order per item at a time.
CREATE UNIQUE INDEX supervision_orders_open_key ON supervision_orders (item_id) WHERE reply IS NULL;
CREATE INDEX supervision_orders_item_idx ON supervision_orders (item_id, issued_at DESC);
CREATE INDEX supervision_orders_unit_idx ON supervision_orders (unit_id, issued_at DESC);
