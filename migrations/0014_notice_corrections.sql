-- A meeting has at most one current notice; a correction (更正) replaces it with a reason, and the
-- replaced one stays, marked superseded. Notices end with the issuing office (落款).
ALTER TABLE notices
    ADD COLUMN corrects uuid REFERENCES notices (id),
    ADD COLUMN correction_reason text CHECK (correction_reason IS NULL OR length(btrim(correction_reason)) BETWEEN 1 AND 500),
    -- Set in the same transaction as the correction is inserted (so checked at commit).
    ADD COLUMN superseded_by uuid REFERENCES notices (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT notices_correction_check CHECK ((corrects IS NULL) = (correction_reason IS NULL));

-- Meetings published twice before this rule: the latest notice is the current one.
UPDATE notices n SET superseded_by = latest.id
FROM (SELECT DISTINCT ON (meeting_id) meeting_id, id FROM notices WHERE meeting_id IS NOT NULL
      ORDER BY meeting_id, published_at DESC, number DESC) latest
WHERE n.meeting_id = latest.meeting_id AND n.id <> latest.id;

CREATE UNIQUE INDEX notices_meeting_key ON notices (meeting_id) WHERE meeting_id IS NOT NULL AND superseded_by IS NULL;

ALTER TABLE settings
    ADD COLUMN notice_issuer text NOT NULL DEFAULT '县项目专班办公室' CHECK (length(btrim(notice_issuer)) BETWEEN 1 AND 100);
