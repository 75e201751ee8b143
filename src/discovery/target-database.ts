import { Client, type ClientConfig, types } from 'pg';
import type { AllowedHosts } from '../config/allowed-hosts';
import { treatmentFor, type ColumnTreatment } from './column-profile';
import { TargetError } from './target-error';
import {
  describeConnection,
  parseTargetUrl,
  resolveAllowed,
  type TargetConnection,
  tlsOptions,
} from './target-url';

export { TargetError, type TargetFailure } from './target-error';

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

/** json and arrays arrive parsed; every other type stays the server's text (no Date objects). */
const PARSED_OIDS = new Set([114, 3802, 199, 3807, 1009, 1015, 1014, 1003, 1016, 1231]);
const identity = (value: string) => value;
const typeParsers = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    PARSED_OIDS.has(oid) ? types.getTypeParser(oid, format ?? 'text') : identity,
} as ClientConfig['types'];

/**
 * A text value whose text is longer than this many bytes is read as its first MAX_LEAF_CHARS
 * characters (detection reads no more of a leaf than that anyway); so no one value, however
 * large the target holds it, costs more than this on the wire.
 */
export const MAX_VALUE_BYTES = 64 * 1024;
const MAX_LEAF_CHARS = 20_000;

/** Only PostgreSQL 14+ plans ctid ranges as TID range scans, which full mode pages by. */
const MIN_SERVER_VERSION = 140000;

export interface TargetOptions {
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** Hosts a scan may connect to; checked after DNS on every connect. */
  allowedHosts: AllowedHosts;
}

/** The driver's own wait for a query's answer: past the server's statement timeout. */
const QUERY_TIMEOUT_GRACE_MS = 5_000;

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

  /**
   * Connects to the database a URL names. The driver never sees the URL: its configuration is
   * built from the parsed fields, and it connects to the address the allow-list check passed.
   */
  static async open(url: string, options: TargetOptions): Promise<TargetDatabase> {
    const target: TargetConnection = parseTargetUrl(url);
    const description = describeConnection(target);
    const address = await resolveAllowed(
      target,
      options.allowedHosts,
      description,
      options.connectTimeoutMs,
    );
    const password = target.password;
    const client = new Client({
      host: address,
      port: target.port,
      user: target.user,
      // A function: an empty password stays empty (no PGPASSWORD, no ~/.pgpass lookup).
      password: () => Promise.resolve(password),
      database: target.database ?? target.user,
      ssl: tlsOptions(target),
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: options.statementTimeoutMs + QUERY_TIMEOUT_GRACE_MS,
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
      throw connectError(error, description);
    }
    const db = new TargetDatabase(client, description);
    try {
      const [{ v }] = await db.read<{ v: string }>('SHOW server_version_num');
      if (Number(v) < MIN_SERVER_VERSION)
        throw new TargetError('unsupported_server', `${description} runs PostgreSQL older than 14`);
    } catch (error) {
      await db.close();
      throw error;
    }
    return db;
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

  /**
   * Up to `limit` rows spread over the table: TABLESAMPLE on large tables, never ORDER BY
   * random(). Rows stop once their values pass `maxBytes` (the server counts them).
   */
  async sample(
    table: TargetTable,
    columns: readonly TargetColumn[],
    limit: number,
    maxBytes: number,
  ): Promise<unknown[][]> {
    const { select, outer, bytes } = this.selectList(columns);
    const from = this.qualified(table);
    // Rows whose values start within the cap: at most the cap plus one row.
    const capped = (inner: string) =>
      `SELECT ${outer} FROM (
         SELECT s.*, sum(s.bytes) OVER (ROWS UNBOUNDED PRECEDING) - s.bytes AS before
           FROM (${inner}) s) w
        WHERE w.before < ${maxBytes}`;
    const inner = (sampling: string) =>
      `SELECT ${select}, ${bytes} AS bytes FROM ${from} ${sampling} LIMIT ${limit}`;
    if (table.estimatedRows > 2 * limit) {
      const percent = Math.min(100, (300 * limit) / table.estimatedRows);
      const rows = await this.readRows(
        capped(inner(`TABLESAMPLE SYSTEM (${percent.toFixed(6)}) REPEATABLE (7)`)),
        columns,
      );
      if (rows.length >= limit / 2) return rows;
    }
    return this.readRows(capped(inner('')), columns);
  }

  /**
   * Rows stored in heap pages [fromBlock, toBlock): a TID range scan, resumable by page number.
   * When the values of those pages pass `maxBytes`, the server returns only the first pages
   * whose values begin within the cap (the first page that holds rows always does), and `toBlock`
   * says where the next read starts.
   */
  async pageRange(
    table: TargetTable,
    columns: readonly TargetColumn[],
    fromBlock: number,
    toBlock: number,
    maxBytes: number,
  ): Promise<{ rows: unknown[][]; toBlock: number }> {
    const { select, outer, bytes } = this.selectList(columns);
    const rows = await this.readRows(
      `WITH page AS (
         SELECT ${select}, ${bytes} AS bytes, (ctid::text::point)[0]::bigint AS blk
           FROM ${this.qualified(table)}
          WHERE ctid >= '(${fromBlock},0)'::tid AND ctid < '(${toBlock},0)'::tid
       ), blocks AS (
         SELECT blk, sum(sum(bytes)) OVER (ORDER BY blk) - sum(bytes) AS before
           FROM page GROUP BY blk
       ), kept AS (
         SELECT blk FROM blocks WHERE before < ${maxBytes}
       )
       SELECT ${outer}, (SELECT max(blk) FROM kept) AS last_kept,
              (SELECT count(*) FROM blocks) > (SELECT count(*) FROM kept) AS cut
         FROM page w JOIN kept USING (blk)`,
      columns,
      2,
    );
    if (rows.length === 0) return { rows, toBlock };
    // Both arrive as the server's text (see typeParsers): a number and 't' or 'f'.
    const [lastKept, cut] = rows[0].slice(-2);
    const next = cut === 't' ? Number(lastKept) + 1 : toBlock;
    return { rows: rows.map((r) => r.slice(0, -2)), toBlock: next };
  }

  /**
   * What a page selects. A text column is read as two cells: the value when its text is at most
   * MAX_VALUE_BYTES, else the first MAX_LEAF_CHARS characters of its text (a huge json document
   * is then read as the start of its text). `bytes` is the row's values' size on the wire.
   */
  private selectList(columns: readonly TargetColumn[]): {
    select: string;
    outer: string;
    bytes: string;
  } {
    if (columns.length === 0) return { select: '1 AS c0', outer: 'w.c0', bytes: '1' };
    const select: string[] = [];
    const outer: string[] = [];
    const bytes: string[] = [];
    columns.forEach((c, i) => {
      const id = this.client.escapeIdentifier(c.name);
      if (c.treatment === 'text') {
        const text = `${id}::text`;
        select.push(
          `CASE WHEN octet_length(${text}) <= ${MAX_VALUE_BYTES} THEN ${id} END AS v${i}`,
          `CASE WHEN octet_length(${text}) > ${MAX_VALUE_BYTES} THEN left(${text}, ${MAX_LEAF_CHARS}) END AS t${i}`,
        );
        outer.push(`w.v${i}`, `w.t${i}`);
        bytes.push(`COALESCE(LEAST(octet_length(${text}), ${MAX_VALUE_BYTES}), 0)`);
      } else {
        // Columns judged by type are only counted: their values never leave the target.
        select.push(`CASE WHEN ${id} IS NULL THEN NULL ELSE 1 END AS v${i}`);
        outer.push(`w.v${i}`);
        bytes.push('1');
      }
    });
    return { select: select.join(', '), outer: outer.join(', '), bytes: bytes.join(' + ') };
  }

  private qualified(table: TargetTable): string {
    return `${this.client.escapeIdentifier(table.schema)}.${this.client.escapeIdentifier(table.table)}`;
  }

  /** Rows with one cell per column (a text column's two cells joined), then `extra` cells. */
  private async readRows(
    sql: string,
    columns: readonly TargetColumn[],
    extra = 0,
  ): Promise<unknown[][]> {
    return this.inReadOnly(async () => {
      const result = await this.client.query<unknown[]>({ text: sql, rowMode: 'array' });
      return result.rows.map((row) => {
        const out: unknown[] = [];
        // With no columns, a page selects one placeholder cell.
        let at = columns.length === 0 ? 1 : 0;
        for (const c of columns) {
          if (c.treatment === 'text') {
            out.push(row[at] ?? row[at + 1]);
            at += 2;
          } else out.push(row[at++]);
        }
        for (let k = 0; k < extra; k++) out.push(row[at + k]);
        return out;
      });
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

/** SQLSTATEs a server can answer while a connection starts, with their reasons. */
function serverError(code: string | undefined, where: string): TargetError | undefined {
  switch (code) {
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
  return undefined;
}

const isSqlState = (code: string | undefined): code is string =>
  code !== undefined && /^[0-9A-Z]{5}$/.test(code);

/**
 * Maps a failure to connect. Whatever went wrong below PostgreSQL's own answers (refused,
 * reset, closed, timed out, TLS, not a PostgreSQL server) is `unreachable`, one reason for all,
 * so the reasons cannot tell an open port from a closed one.
 */
export function connectError(error: unknown, where: string): TargetError {
  if (error instanceof TargetError) return error;
  const code = (error as DriverError | null)?.code;
  const known = serverError(code, where);
  if (known) return known;
  if (isSqlState(code))
    return new TargetError('target_error', `${where} refused the session with SQLSTATE ${code}`);
  return new TargetError('unreachable', `${where} is unreachable`);
}

/** Maps a driver or server error to a reason; never copies the error text, which can hold SQL. */
export function targetError(error: unknown, where: string): TargetError {
  if (error instanceof TargetError) return error;
  const code = (error as DriverError | null)?.code;
  const known = serverError(code, where);
  if (known) return known;
  if (isSqlState(code))
    return new TargetError('target_error', `${where} failed with SQLSTATE ${code}`);
  const message = String((error as DriverError | null)?.message ?? '');
  // The driver's query_timeout: the server outlived its own statement timeout; the session is
  // in an unknown state, so the scan ends rather than skipping the table.
  if (/timeout/i.test(message))
    return new TargetError('target_error', `${where} did not answer a query in time`);
  return new TargetError('target_error', `${where} closed the connection`);
}
