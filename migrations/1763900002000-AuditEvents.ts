import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail: one hash chain per tenant (see src/audit/audit-chain.ts). */
export class AuditEvents1763900002000 implements MigrationInterface {
  name = 'AuditEvents1763900002000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        seq bigint NOT NULL CHECK (seq > 0),
        occurred_at timestamptz NOT NULL,
        action text NOT NULL,
        api_key_id uuid,
        roles text[] NOT NULL,
        purpose text,
        details jsonb NOT NULL,
        prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        CONSTRAINT audit_events_chain_uq UNIQUE (tenant_id, seq)
      )`);
    // Every query is per tenant, newest first by seq; each filter gets an index that keeps that order
    // or narrows fast. api_key_id has no foreign key: the trail outlives the keys it names.
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (tenant_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_events_key_idx ON audit_events (tenant_id, api_key_id, seq)`);
    await q.query(`CREATE INDEX audit_events_action_idx ON audit_events (tenant_id, action, seq)`);
    // Type and outcome filters are containment queries: details @> '{"tokens":[{"type":"X"}]}'.
    await q.query(
      `CREATE INDEX audit_events_details_idx ON audit_events USING gin (details jsonb_path_ops)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
  }
}
