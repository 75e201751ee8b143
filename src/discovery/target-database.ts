import { Client, type ClientConfig, types } from 'pg';
import { treatmentFor, type ColumnTreatment } from './column-profile';

/** Why a scan could not read its target. Messages name hosts and codes, never credentials. */
export type TargetFailure =
  | 'invalid_url'
  | 'host_not_found'
  | 'connection_refused'
  | 'connection_timeout'
  | 'authentication_failed'
  | 'database_not_found'
  | 'permission_denied'
  | 'unsupported_server'
  | 'statement_timeout'
  | 'target_error';

export class TargetError extends Error {
  constructor(
    readonly reason: TargetFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface TargetColumn {
  name: string;
  /** SQL type as PostgreSQL prints it (`character varying(200)`, `jsonb`, `text[]`). */
  dataType: string;
  treatment: ColumnTreatment;
}

export interface TargetTable {
  schema: string;
  table: string;
  readable: boolean;
  /** Planner estimate; -1 when the table was never analysed. */
  estimatedRows: number;
  columns: TargetColumn[];
}

/** Where a target lives, for messages: host, port and database, never the user or password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || '/'}`;
  } catch {
    return 'the target database';
  }
}

/** Rejects what is not a postgres:// URL before any connection is tried. */
export function parseTargetUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetError('invalid_url', 'the connection URL is not a valid URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new TargetError('invalid_url', 'the connection URL must start with postgres://');
  if (!parsed.hostname) throw new TargetError('invalid_url', 'the connection URL names no host');
  return parsed;
}

/** json and arrays arrive parsed; every other type stays the server's text (no Date objects). */
const PARSED_OIDS = new Set([114, 3802, 199, 3807, 1009, 1015, 1014, 1003, 1016, 1231]);
const identity = (value: string) => value;
const typeParsers = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    PARSED_OIDS.has(oid) ? types.getTypeParser(oid, format ?? 'text') : identity,
} as ClientConfig['types'];

/** Only PostgreSQL 14+ plans ctid ranges as TID range scans, which full mode pages by. */
const MIN_SERVER_VERSION = 140000;

export interface TargetOptions {
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * A read-only session on a database a user asked us to scan. Every statement runs in a READ
 * ONLY transaction (and the session defaults to read only) under a statement timeout; nothing
 * here writes, creates or locks beyond ACCESS SHARE.
 */
export class TargetDatabase {
  private constructor(
    private readonly client: Client,
    readonly description: string,
  ) {}

  static async open(url: string, options: TargetOptions): Promise<TargetDatabase> {
    parseTargetUrl(url);
    const description = describeTarget(url);
    const client = new Client({
      connectionString: url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      lock_timeout: Math.min(5_000, options.statementTimeoutMs),
      idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
      application_name: 'pii-vault-discovery',
      options: '-c default_transaction_read_only=on',
      types: typeParsers,
    });
    // A dropped connection must not crash the process: the next query fails instead.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw targetError(error, description);
    }
    const target = new TargetDatabase(client, description);
    try {
      const [{ v }] = await target.read<{ v: string }>('SHOW server_version_num');
      if (Number(v) < MIN_SERVER_VERSION)
        throw new TargetError('unsupported_server', `${description} runs PostgreSQL older than 14`);
    } catch (error) {
      await target.close();
      throw error;
    }
    return target;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  /** Ordinary tables, partitions and materialised views, with their columns and SELECT right. */
  async tables(schemas?: readonly string[], tables?: readonly string[]): Promise<TargetTable[]> {
    // Every type but json and arrays arrives as the server's text (see typeParsers).
    const rels = await this.read<{
      oid: string;
      schema: string;
      table: string;
      readable: 't' | 'f';
      estimated: string;
    }>(
      `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS table,
              has_table_privilege(c.oid, 'SELECT') AS readable, c.reltuples::float8 AS estimated
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgboss')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
          AND ($1::text[] IS NULL OR n.nspname = ANY($1))
          AND ($2::text[] IS NULL OR c.relname = ANY($2) OR n.nspname || '.' || c.relname = ANY($2))
        ORDER BY n.nspname, c.relname`,
      [schemas?.length ? schemas : null, tables?.length ? tables : null],
    );
    if (rels.length === 0) return [];
    const cols = await this.read<{
      oid: string;
      name: string;
      data_type: string;
      typname: string;
      typcategory: string;
    }>(
      `SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS data_type,
              COALESCE(bt.typname, t.typname)::text AS typname,
              COALESCE(bt.typcategory, t.typcategory)::text AS typcategory
         FROM pg_attribute a
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
        WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum`,
      [rels.map((r) => r.oid)],
    );
    const byOid = new Map<string, TargetColumn[]>();
    for (const c of cols) {
      const list = byOid.get(c.oid) ?? [];
      list.push({
        name: c.name,
        dataType: c.data_type,
        treatment: treatmentFor(c.typname, c.typcategory),
      });
      byOid.set(c.oid, list);
    }
    return rels.map((r) => ({
      schema: r.schema,
      table: r.table,
      readable: r.readable === 't',
      estimatedRows: Number(r.estimated),
      columns: byOid.get(r.oid) ?? [],
    }));
  }

  /** Heap pages of a table now; full mode walks ctid ranges up to here. */
  async blocks(table: TargetTable): Promise<number> {
    const [{ blocks }] = await this.read<{ blocks: string }>(
      `SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::bigint AS blocks`,
      [this.qualified(table)],
    );
    return Number(blocks);
  }

  /** Up to `limit` rows spread over the table: TABLESAMPLE on large tables, never ORDER BY random(). */
  async sample(
    table: TargetTable,
    columns: readonly TargetColumn[],
    limit: number,
  ): Promise<unknown[][]> {
    const select = this.selectList(columns);
    const from = this.qualified(table);
    if (table.estimatedRows > 2 * limit) {
      const percent = Math.min(100, (300 * limit) / table.estimatedRows);
      const rows = await this.readRows(
        `SELECT ${select} FROM ${from} TABLESAMPLE SYSTEM (${percent.toFixed(6)}) REPEATABLE (7) LIMIT ${limit}`,
      );
      if (rows.length >= limit / 2) return rows;
    }
    return this.readRows(`SELECT ${select} FROM ${from} LIMIT ${limit}`);
  }

  /** Rows stored in heap pages [fromBlock, toBlock): a TID range scan, resumable by page number. */
  async pageRange(
    table: TargetTable,
    columns: readonly TargetColumn[],
    fromBlock: number,
    toBlock: number,
  ): Promise<unknown[][]> {
    return this.readRows(
      `SELECT ${this.selectList(columns)} FROM ${this.qualified(table)}
        WHERE ctid >= '(${fromBlock},0)'::tid AND ctid < '(${toBlock},0)'::tid`,
    );
  }

  private selectList(columns: readonly TargetColumn[]): string {
    if (columns.length === 0) return '1';
    return columns
      .map((c) => {
        const id = this.client.escapeIdentifier(c.name);
        // Columns judged by type are only counted: their values never leave the target.
        return c.treatment === 'text' ? id : `CASE WHEN ${id} IS NULL THEN NULL ELSE 1 END`;
      })
      .join(', ');
  }

  private qualified(table: TargetTable): string {
    return `${this.client.escapeIdentifier(table.schema)}.${this.client.escapeIdentifier(table.table)}`;
  }

  private async readRows(sql: string): Promise<unknown[][]> {
    return this.inReadOnly(async () => {
      const result = await this.client.query<unknown[]>({ text: sql, rowMode: 'array' });
      return result.rows;
    });
  }

  private async read<T extends object>(sql: string, values: unknown[] = []): Promise<T[]> {
    return this.inReadOnly(async () => (await this.client.query<T>(sql, values)).rows);
  }

  private async inReadOnly<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.client.query('BEGIN TRANSACTION READ ONLY');
      try {
        return await work();
      } finally {
        await this.client.query('ROLLBACK').catch(() => undefined);
      }
    } catch (error) {
      throw targetError(error, this.description);
    }
  }
}

interface DriverError {
  code?: string;
  message?: string;
}

/** Maps a driver or server error to a reason; never copies the error text, which can hold SQL. */
export function targetError(error: unknown, where: string): TargetError {
  if (error instanceof TargetError) return error;
  const code = (error as DriverError | null)?.code;
  const message = String((error as DriverError | null)?.message ?? '');
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TargetError('host_not_found', `could not resolve the host of ${where}`);
    case 'ECONNREFUSED':
      return new TargetError('connection_refused', `${where} refused the connection`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new TargetError('connection_timeout', `${where} did not answer`);
    case '28P01':
    case '28000':
      return new TargetError(
        'authentication_failed',
        `${where} rejected the user name or password`,
      );
    case '3D000':
      return new TargetError('database_not_found', `${where}: the database does not exist`);
    case '42501':
      return new TargetError('permission_denied', `${where}: permission denied to read a table`);
    case '57014':
      return new TargetError(
        'statement_timeout',
        `${where}: a statement exceeded the statement timeout`,
      );
  }
  if (/timeout/i.test(message))
    return new TargetError('connection_timeout', `${where} did not answer in time`);
  if (/terminated|ECONNRESET|Connection terminated/i.test(message) || code === 'ECONNRESET')
    return new TargetError('target_error', `${where} closed the connection`);
  return new TargetError('target_error', `${where} failed${code ? ` with SQLSTATE ${code}` : ''}`);
}
