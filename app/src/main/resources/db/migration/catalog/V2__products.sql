CREATE TABLE catalog.product (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    sku         text        NOT NULL,
    name        text        NOT NULL,
    price_cents bigint      NOT NULL CHECK (price_cents > 0),
    -- Never below zero: a reservation is one conditional UPDATE, so concurrent orders cannot oversell.
    stock       integer     NOT NULL CHECK (stock >= 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
) WITH (fillfactor = 90);  -- room for HOT updates: stock changes on every order

CREATE UNIQUE INDEX product_tenant_sku ON catalog.product (tenant_id, sku);
-- Keyset pagination and lookups by id within a tenant.
CREATE UNIQUE INDEX product_tenant_id ON catalog.product (tenant_id, id);

ALTER TABLE catalog.product ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog.product FORCE ROW LEVEL SECURITY;
-- Tenant transactions see their own rows; system work (no tenant bound) sees all.
CREATE POLICY tenant_rows ON catalog.product
    USING (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
           OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid)
    WITH CHECK (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
           OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid);
