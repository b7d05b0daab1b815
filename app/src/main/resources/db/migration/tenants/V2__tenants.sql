CREATE TABLE tenants.tenant (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    plan       text NOT NULL CHECK (plan IN ('free', 'standard', 'premium')),
    created_at timestamptz NOT NULL
);

-- API keys are stored only as their SHA-256; authentication is one primary-key lookup.
CREATE TABLE tenants.api_key (
    key_hash   bytea PRIMARY KEY CHECK (length(key_hash) = 32),
    tenant_id  uuid NOT NULL REFERENCES tenants.tenant (id),
    created_at timestamptz NOT NULL
);
CREATE INDEX api_key_tenant ON tenants.api_key (tenant_id);
