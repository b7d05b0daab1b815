CREATE TABLE orders.orders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('PENDING_PAYMENT', 'PAID', 'PAYMENT_FAILED', 'PAYMENT_STUCK')),
    total_cents  bigint      NOT NULL CHECK (total_cents > 0),
    currency     text        NOT NULL,
    email        text        NOT NULL,
    card_last4   text        NOT NULL,
    charge_id    text,
    failure      text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
-- Keyset pagination and lookups by id within a tenant.
CREATE UNIQUE INDEX orders_tenant_id ON orders.orders (tenant_id, id);

CREATE TABLE orders.order_line (
    order_id         bigint  NOT NULL REFERENCES orders.orders (id),
    line_no          integer NOT NULL,
    tenant_id        uuid    NOT NULL,
    product_id       bigint  NOT NULL,
    sku              text    NOT NULL,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint  NOT NULL CHECK (unit_price_cents > 0),
    PRIMARY KEY (order_id, line_no)
);

-- Idempotency-Key records (IETF httpapi draft): RUNNING while the first request is in flight, then DONE with
-- the response to replay. Expired rows count as absent and are purged in batches.
CREATE TABLE orders.idempotency_key (
    tenant_id   uuid        NOT NULL,
    key         text        NOT NULL,
    fingerprint bytea       NOT NULL,
    state       text        NOT NULL CHECK (state IN ('RUNNING', 'DONE')),
    status      integer,
    location    text,
    body        text,
    locked_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_key_expiry ON orders.idempotency_key (expires_at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['orders', 'order_line', 'idempotency_key'] LOOP
        EXECUTE format('ALTER TABLE orders.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE orders.%I FORCE ROW LEVEL SECURITY', t);
        -- Tenant transactions see their own rows; system work (no tenant bound) sees all.
        EXECUTE format($p$CREATE POLICY tenant_rows ON orders.%I
            USING (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
                   OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid)
            WITH CHECK (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
                   OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid)$p$, t);
    END LOOP;
END $$;
