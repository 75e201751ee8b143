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
