import path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';

/** Compiled migrations live in dist/migrations, two levels above dist/src/database. */
const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.js');

/** Arbitrary constant: serialises migration runs of replicas starting together. */
const MIGRATION_LOCK_ID = 0x7069_6976;

/** How the request pool is sized: `idleSeconds` 0 keeps its connections open (see AppConfig). */
export interface PoolOptions {
  size: number;
  idleSeconds: number;
}

export function dataSourceOptions(url: string, pool: PoolOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: {
      max: pool.size,
      // pg-pool closes a connection idle for 10 s unless told otherwise; 0 never does. Reopening
      // costs a backend fork and SCRAM authentication, paid by whichever requests arrive when
      // load rises again (README, "Tail latency at half load").
      idleTimeoutMillis: pool.idleSeconds * 1000,
      connectionTimeoutMillis: 5_000,
      // Fail requests fast instead of queueing forever when the database is gone.
      query_timeout: 15_000,
      application_name: 'pii-vault',
      // Not plan_cache_mode=force_generic_plan, although custom plans re-plan the unnest() batch
      // statements on every call: a generic plan is cached per connection, and one planned while
      // vault_entries was nearly empty kept scanning the table as it grew (three backends at a
      // third of a core each, tokenize's p99 at 181-233 ms). A custom plan sees the table's size.
    },
  };
}

/** Runs pending migrations under an advisory lock so concurrent starts do not race. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, { size: 2, idleSeconds: 0 }));
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      return applied.map((m) => m.name);
    } finally {
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
