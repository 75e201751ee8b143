import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL,
        lookup_id text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        roles text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    // Per-tenant keys wrapped (AES-256-GCM) by the master key. 'data' keys encrypt vault values
    // and rotate by adding a version; the 'blind_index' key keys the HMAC lookup and stays fixed.
    await q.query(`
      CREATE TABLE tenant_keys (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        purpose text NOT NULL CHECK (purpose IN ('data', 'blind_index')),
        version integer NOT NULL CHECK (version > 0),
        wrapped_key bytea NOT NULL,
        wrap_iv bytea NOT NULL,
        wrap_tag bytea NOT NULL,
        master_key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, purpose, version)
      )`);
    await q.query(`
      CREATE TABLE vault_entries (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        token text NOT NULL,
        entity_type text NOT NULL,
        scope text NOT NULL DEFAULT '',
        blind_index bytea NOT NULL,
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        key_version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        CONSTRAINT vault_entries_token_uq UNIQUE (tenant_id, token),
        CONSTRAINT vault_entries_value_uq UNIQUE (tenant_id, entity_type, scope, blind_index)
      )`);
    await q.query(
      `CREATE INDEX vault_entries_expiry_idx ON vault_entries (expires_at) WHERE expires_at IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vault_entries`);
    await q.query(`DROP TABLE tenant_keys`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE tenants`);
  }
}
