import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_append(tenant, head seq, head hash, rows): under the tenant's chain lock, appends the rows
 * (chained and hashed by the service) only if the chain's head is still the given one; otherwise
 * writes nothing and returns the actual head. One round trip per group-committed batch.
 */
export class AuditAppend1763900002100 implements MigrationInterface {
  name = 'AuditAppend1763900002100';

  public async up(q: QueryRunner): Promise<void> {
    // VOLATILE: each statement takes a fresh snapshot, so the head is read after the lock is held.
    await q.query(`
      CREATE FUNCTION audit_append(p_tenant uuid, p_head_seq bigint, p_head_hash bytea, p_rows jsonb)
      RETURNS TABLE (head_seq bigint, head_hash bytea)
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        current_seq bigint := 0;
        current_hash bytea := decode(repeat('00', 32), 'hex');
      BEGIN
        -- Lock class 'audt' (0x61756474); object id: the tenant.
        PERFORM pg_advisory_xact_lock(1635083380, hashtext(p_tenant::text));
        SELECT e.seq, e.hash INTO current_seq, current_hash
          FROM audit_events e WHERE e.tenant_id = p_tenant ORDER BY e.seq DESC LIMIT 1;
        IF NOT FOUND THEN
          current_seq := 0;
          current_hash := decode(repeat('00', 32), 'hex');
        END IF;
        IF current_seq <> p_head_seq OR current_hash <> p_head_hash THEN
          RETURN QUERY SELECT current_seq, current_hash;
          RETURN;
        END IF;
        INSERT INTO audit_events
          (tenant_id, seq, occurred_at, action, api_key_id, roles, purpose, details, prev_hash, hash)
        SELECT p_tenant, r.seq, r."occurredAt", r.action, r."apiKeyId", r.roles, r.purpose,
               r.details, decode(r."prevHash", 'hex'), decode(r.hash, 'hex')
          FROM jsonb_to_recordset(p_rows) AS r(seq bigint, "occurredAt" timestamptz, action text,
               "apiKeyId" uuid, roles text[], purpose text, details jsonb, "prevHash" text,
               hash text);
      END
      $fn$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_append(uuid, bigint, bytea, jsonb)`);
  }
}
