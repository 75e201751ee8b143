import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeyLimits1763900007000 implements MigrationInterface {
  name = 'ApiKeyLimits1763900007000';

  public async up(q: QueryRunner): Promise<void> {
    // NULL: the key follows PII_VAULT_RATE_LIMIT_PER_MINUTE / PII_VAULT_REVEAL_BUDGET_PER_HOUR.
    await q.query(`ALTER TABLE api_keys
      ADD COLUMN rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0),
      ADD COLUMN reveal_budget_per_hour integer CHECK (reveal_budget_per_hour > 0)`);
    // Counters shared by replicas when PII_VAULT_RATE_LIMIT_STORE=postgres, in the layout
    // rate-limiter-flexible's RateLimiterPostgres expects (key, points, expire in epoch ms).
    await q.query(`
      CREATE TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limits`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN reveal_budget_per_hour`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN rate_limit_per_minute`);
  }
}
