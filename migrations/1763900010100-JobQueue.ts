import PgBoss from 'pg-boss';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema of the pg-boss job queue that runs discovery scans. */
export const JOB_SCHEMA = 'pgboss';

/**
 * Creates pg-boss's schema (its own construction plan, version 24 for pg-boss 10.x), so the
 * service starts pg-boss with `migrate: false` and every schema change goes through
 * migrations/. A pg-boss upgrade that changes its schema needs a migration running
 * PgBoss.getMigrationPlans. The plan brings its own transaction and lock.
 */
export class JobQueue1763900010100 implements MigrationInterface {
  name = 'JobQueue1763900010100';
  transaction = false as const;

  public async up(q: QueryRunner): Promise<void> {
    await q.query(PgBoss.getConstructionPlans(JOB_SCHEMA));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA ${JOB_SCHEMA} CASCADE`);
  }
}
