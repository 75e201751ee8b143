import type { DataSource } from 'typeorm';

/**
 * What a repository runs a statement on: TypeORM's DataSource, the EntityManager of a
 * transaction, or a QueryRunner. All three answer `query` with whatever the driver returned.
 */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The rows of a SELECT, an INSERT … RETURNING or a WITH statement. Only repositories call this:
 * each names the row type of its own table's statements, so services never cast query results.
 */
export async function selectRows<Row>(
  runner: SqlRunner,
  sql: string,
  parameters: unknown[] = [],
): Promise<Row[]> {
  return (await runner.query(sql, parameters)) as Row[];
}

/**
 * The rows an UPDATE or DELETE … RETURNING changed. TypeORM's PostgreSQL driver answers those
 * two statements (unlike every other) as `[rows, affected count]`; this unpacks it in one place.
 */
export async function changedRows<Row>(
  runner: SqlRunner,
  sql: string,
  parameters: unknown[] = [],
): Promise<Row[]> {
  const [rows] = (await runner.query(sql, parameters)) as [Row[], number];
  return rows;
}

/** How many rows an UPDATE or DELETE changed (TypeORM's `[rows, affected count]` answer). */
export async function changedCount(
  runner: SqlRunner,
  sql: string,
  parameters: unknown[] = [],
): Promise<number> {
  const [, count] = (await runner.query(sql, parameters)) as [unknown[], number];
  return count;
}

/**
 * Opens `connections` pool connections at once (concurrent `SELECT 1`s each take a new one from an
 * empty pool), so the first requests after start-up do not pay for opening them, and a server
 * that cannot give the pool its connections (max_connections) fails start-up, not a request.
 */
export async function openPoolConnections(pool: SqlRunner, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => pool.query('SELECT 1')));
}

/** The pg pool under TypeORM's PostgreSQL driver, as far as named statements need it. */
interface NamedStatementPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A SqlRunner whose statements run as the named prepared statement `name` on the DataSource's
 * pool, around TypeORM's query runner: PostgreSQL then parses and plans it once per connection
 * instead of on every call (planning was ~0.7 ms of a ~2 ms upsert, on a server sharing two cores
 * with the service), and the service skips the query runner's set-up. For hot-path statements
 * outside transactions, one text per name.
 */
export function namedStatement(db: DataSource, name: string): SqlRunner {
  // The pool is read at each call: the driver opens it when the DataSource is initialised.
  const pool = () => (db.driver as unknown as { master: NamedStatementPool }).master;
  return {
    query: async (text, values = []) => (await pool().query({ name, text, values })).rows,
  };
}
