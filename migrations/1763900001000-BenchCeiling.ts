import { MigrationInterface, QueryRunner } from 'typeorm';

/** Scratch table for the one-INSERT ceiling endpoint that `npm run bench` measures. */
export class BenchCeiling1763900001000 implements MigrationInterface {
  name = 'BenchCeiling1763900001000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bench_ceiling`);
  }
}
