-- Desk workflow: who owns a ticket, and why it waits when it is pending.
ALTER TABLE tickets ADD COLUMN assignee_id INTEGER REFERENCES staff_users (id) ON DELETE SET NULL;
ALTER TABLE tickets ADD COLUMN pending_reason TEXT;
CREATE INDEX tickets_assignee ON tickets (assignee_id, status, updated_at);
