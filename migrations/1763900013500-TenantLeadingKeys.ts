import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every per-tenant table's primary key leads with tenant_id, so the tables can be distributed by
 * tenant (Citus requires the distribution column in every primary and unique key) and a tenant's
 * rows sit together in the key's index. The serial ids stay unique by their sequences.
 *
 * Tables left as they are, and why:
 * - tenants: the tenant itself (a reference table when distributed);
 * - api_keys: a key is found by its lookup id before its tenant is known, so lookup_id stays
 *   globally unique (small, a reference table when distributed);
 * - rate_limits: keyed by limiter name, shared by all replicas (kept on the coordinator);
 * - discovery_scans and its two child tables: the children hang off scan_id; they are small and
 *   written by one job at a time (kept on the coordinator until they carry tenant_id).
 */
export class TenantLeadingKeys1763900013500 implements MigrationInterface {
  name = 'TenantLeadingKeys1763900013500';

  public async up(q: QueryRunner): Promise<void> {
    for (const table of ['vault_entries', 'audit_events', 'discovery_connections']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (tenant_id, id)`,
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['vault_entries', 'audit_events', 'discovery_connections']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (id)`);
    }
  }
}
