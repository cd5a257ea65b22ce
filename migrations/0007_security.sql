-- Issue 9: ending a user's other sessions. Each session remembers the epoch it was opened in;
-- raising the user's epoch (at a password change, on request) ends every older session at its
-- next request, on every server instance, without reading the session store's encoding.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- The hourly cap on failed logins per account counts failures over the last hour.
CREATE INDEX login_attempts_failed_idx ON login_attempts (lower(username), at DESC) WHERE NOT succeeded;
