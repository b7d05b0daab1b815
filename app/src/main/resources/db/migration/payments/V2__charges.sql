-- One row per order to charge; its status only moves forward (REQUESTED -> SUCCEEDED | DECLINED | STUCK,
-- STUCK -> SUCCEEDED | DECLINED after a replay), so a redelivered job cannot apply an outcome twice.
CREATE TABLE payments.charge (
    order_id     bigint PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    amount_cents bigint      NOT NULL CHECK (amount_cents > 0),
    currency     text        NOT NULL,
    card_last4   text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('REQUESTED', 'SUCCEEDED', 'DECLINED', 'STUCK')),
    charge_id    text,
    failure      text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX charge_tenant ON payments.charge (tenant_id, order_id);

ALTER TABLE payments.charge ENABLE ROW LEVEL SECURITY;
ALTER TABLE payments.charge FORCE ROW LEVEL SECURITY;
-- Tenant transactions see their own rows; system work (no tenant bound) sees all.
CREATE POLICY tenant_rows ON payments.charge
    USING (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
           OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid)
    WITH CHECK (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
           OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid);
