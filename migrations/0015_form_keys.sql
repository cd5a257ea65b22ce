-- One-time form keys: each page form carries a fresh key; the first submission claims it, and a
-- second one (a double click, a browser's resubmit) is answered with where the first one led.
CREATE TABLE form_keys (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Where the first submission led (a redirect) and what it said there; NULL while it runs.
    location text,
    flash jsonb,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX form_keys_age ON form_keys (user_id, created_at);
