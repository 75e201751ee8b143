import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain becomes keyed (issue #12 item 5): new rows are hashed with HMAC-SHA-256 under a
 * key derived from the master key, which the database does not hold. chain_version records how
 * each row was hashed: every row written so far is 1 (plain SHA-256). audit_append now requires
 * each row to state its version, so a replica still running the unkeyed code fails its audit
 * writes (and so its reveals) rather than append rows anyone could recompute; and it returns the
 * head's version, so the writer can refuse to chain after an unkeyed head (src/audit/audit-writer.ts).
 */
export class AuditChainKeyed1763900012500 implements MigrationInterface {
  name = 'AuditChainKeyed1763900012500';

  public async up(q: QueryRunner): Promise<void> {
    // A constant default fills existing rows without rewriting the table; then no default at all.
    await q.query(`
      ALTER TABLE audit_events
        ADD COLUMN chain_version smallint NOT NULL DEFAULT 1
          CONSTRAINT audit_events_chain_version_ck CHECK (chain_version IN (1, 2))`);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN chain_version DROP DEFAULT`);
    await q.query(`DROP FUNCTION audit_append(uuid, bigint, bytea, jsonb)`);
    await q.query(appendFunction(true));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_append(uuid, bigint, bytea, jsonb)`);
    await q.query(appendFunction(false));
    await q.query(`ALTER TABLE audit_events DROP COLUMN chain_version`);
  }
}

/** audit_append as in AuditAppend1763900002100, with (up) or without (down) chain versions. */
function appendFunction(versioned: boolean): string {
  const v = (text: string) => (versioned ? text : '');
  return `
    CREATE FUNCTION audit_append(p_tenant uuid, p_head_seq bigint, p_head_hash bytea, p_rows jsonb)
    RETURNS TABLE (head_seq bigint, head_hash bytea${v(', head_version smallint')})
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      current_seq bigint := 0;
      current_hash bytea := decode(repeat('00', 32), 'hex');
      ${v('current_version smallint := 2;')}
    BEGIN
      -- Lock class 'audt' (0x61756474); object id: the tenant.
      PERFORM pg_advisory_xact_lock(1635083380, hashtext(p_tenant::text));
      SELECT e.seq, e.hash${v(', e.chain_version')} INTO current_seq, current_hash${v(', current_version')}
        FROM audit_events e WHERE e.tenant_id = p_tenant ORDER BY e.seq DESC LIMIT 1;
      IF NOT FOUND THEN
        current_seq := 0;
        current_hash := decode(repeat('00', 32), 'hex');
        ${v('current_version := 2;')}
      END IF;
      IF current_seq <> p_head_seq OR current_hash <> p_head_hash THEN
        RETURN QUERY SELECT current_seq, current_hash${v(', current_version')};
        RETURN;
      END IF;
      INSERT INTO audit_events
        (tenant_id, seq, occurred_at, action, api_key_id, roles, purpose, details, prev_hash, hash
         ${v(', chain_version')})
      SELECT p_tenant, r.seq, r."occurredAt", r.action, r."apiKeyId", r.roles, r.purpose,
             r.details, decode(r."prevHash", 'hex'), decode(r.hash, 'hex')
             ${v(', r."chainVersion"')}
        FROM jsonb_to_recordset(p_rows) AS r(seq bigint, "occurredAt" timestamptz, action text,
             "apiKeyId" uuid, roles text[], purpose text, details jsonb, "prevHash" text,
             hash text${v(', "chainVersion" smallint')});
    END
    $fn$`;
}
