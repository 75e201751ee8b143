import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service no longer serves the benchmark's ceiling endpoints: their scratch table goes. The
 * benchmark's ceiling process (bench/ceiling-server.ts) creates a table of its own.
 */
export class DropBenchCeiling1763900011500 implements MigrationInterface {
  name = 'DropBenchCeiling1763900011500';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS bench_ceiling`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
  }
}
