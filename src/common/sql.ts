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
