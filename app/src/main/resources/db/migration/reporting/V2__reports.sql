-- Sales as reporting keeps them: one row per paid order line, written when the order is paid (from the
-- OrderPaid event), so reports never read the orders module's tables.
CREATE TABLE reporting.sale (
    order_id     bigint  NOT NULL,
    product_id   bigint  NOT NULL,
    tenant_id    uuid    NOT NULL,
    day          date    NOT NULL,
    quantity     integer NOT NULL,
    amount_cents bigint  NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
-- A report reads one tenant's date range.
CREATE INDEX sale_tenant_day ON reporting.sale (tenant_id, day) INCLUDE (product_id, quantity, amount_cents, order_id);

CREATE TABLE reporting.report (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('QUEUED', 'DONE', 'FAILED')),
    from_day    date        NOT NULL,
    to_day      date        NOT NULL CHECK (to_day >= from_day),
    result      jsonb,
    error       text,
    created_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE UNIQUE INDEX report_tenant_id ON reporting.report (tenant_id, id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sale', 'report'] LOOP
        EXECUTE format('ALTER TABLE reporting.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE reporting.%I FORCE ROW LEVEL SECURITY', t);
        -- Tenant transactions see their own rows; system work (no tenant bound) sees all.
        EXECUTE format($p$CREATE POLICY tenant_rows ON reporting.%I
            USING (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
                   OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid)
            WITH CHECK (NULLIF(current_setting('headroom.tenant', true), '') IS NULL
                   OR tenant_id = NULLIF(current_setting('headroom.tenant', true), '')::uuid)$p$, t);
    END LOOP;
END $$;
