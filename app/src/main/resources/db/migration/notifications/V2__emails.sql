-- One row per order and template: the unique key is what makes it exactly one email (the provider's
-- idempotency key covers redelivery of the send job).
CREATE TABLE notifications.email (
    order_id   bigint      NOT NULL,
    template   text        NOT NULL,
    tenant_id  uuid        NOT NULL,
    to_address text        NOT NULL,
    status     text        NOT NULL CHECK (status IN ('PENDING', 'SENT')),
    message_id text,
    created_at timestamptz NOT NULL,
    sent_at    timestamptz,
    PRIMARY KEY (order_id, template)
);
CREATE INDEX email_tenant ON notifications.email (tenant_id, order_id);

ALTER TABLE notifications.email ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications.email FORCE ROW LEVEL SECURITY;
-- Tenant transactions see their own rows; system work (no tenant bound) sees all.
CREATE POLICY tenant_rows ON notifications.email
    USING (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
           OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid)
    WITH CHECK (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
           OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid);
