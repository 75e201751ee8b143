import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The GIN index over audit details (the audit search by token) kept GIN's pending list
 * (fastupdate): each insert appended there, and whichever insert found the list past 4 MB merged
 * it into the index, holding the tenant's audit chain lock meanwhile, so every reveal of the
 * tenant waited. With fastupdate off each insert updates the index itself: rows like the audit's
 * at 650 a second went from max 394 ms to 22 ms, p99 4.9 and 4.8 ms (`node dist/bench/db-pauses.js
 * gin`, 2026-12-06 06:26 UTC). The list left from before is merged here, once.
 */
export class AuditDetailsIndexNoPendingList1763900014200 implements MigrationInterface {
  name = 'AuditDetailsIndexNoPendingList1763900014200';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX audit_events_details_idx SET (fastupdate = off)`);
    await q.query(`SELECT gin_clean_pending_list('audit_events_details_idx')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX audit_events_details_idx RESET (fastupdate)`);
  }
}
