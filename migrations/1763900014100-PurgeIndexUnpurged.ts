import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The purge job looks for expired entries whose ciphertext is still there. Its index held every
 * entry with an expiry, purged or not, so each run walked all entries purged before: with 500,000
 * of them a run that found nothing took 56 ms, growing without end; with the index limited to
 * unpurged entries it took 0.09 ms (EXPLAIN ANALYZE of the purge statement, PostgreSQL 18). A
 * purged entry leaves the index when the purge sets purged_at.
 */
export class PurgeIndexUnpurged1763900014100 implements MigrationInterface {
  name = 'PurgeIndexUnpurged1763900014100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX vault_entries_expiry_idx`);
    await q.query(
      `CREATE INDEX vault_entries_expiry_idx ON vault_entries (expires_at)
        WHERE expires_at IS NOT NULL AND purged_at IS NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX vault_entries_expiry_idx`);
    await q.query(
      `CREATE INDEX vault_entries_expiry_idx ON vault_entries (expires_at) WHERE expires_at IS NOT NULL`,
    );
  }
}
