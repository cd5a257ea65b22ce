-- Next-actor events: an item's evidence submitted or sent back, an investor's request raised,
-- its triage due tomorrow or late.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'item_assigned', 'item_due_soon', 'item_yellow', 'item_red', 'decision_assigned',
    'request_accepted', 'request_declined', 'request_item_closed', 'notice_published',
    'supervision_order', 'supervision_reply',
    'item_submitted', 'item_sent_back', 'request_submitted', 'request_triage_due', 'request_late'));
-- The reminders look up pending requests' events by request.
CREATE INDEX events_request_idx ON events (request_id) WHERE request_id IS NOT NULL;
