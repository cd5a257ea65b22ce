-- A month's investment report reminded when due within days and when late.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'item_assigned', 'item_due_soon', 'item_yellow', 'item_red', 'decision_assigned',
    'request_accepted', 'request_declined', 'request_item_closed', 'notice_published',
    'supervision_order', 'supervision_reply',
    'item_submitted', 'item_sent_back', 'request_submitted', 'request_triage_due', 'request_late',
    'monthly_report_due', 'monthly_report_late'));
