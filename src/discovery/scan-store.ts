import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { changedRows, selectRows } from '../common/sql';
import type { EncryptedValue } from '../crypto/vault-cipher.service';
import type { ClassificationThresholds } from './column-classifier';
import type { ColumnCounts } from './column-profile';
import type { ScanMode, TableCursor } from './table-scanner';
import type { TargetColumn, TargetFailure, TargetTable } from './target-database';

export const SCAN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];
/** Why a scan failed: its target, or our own side failing on every retry. */
export type ScanFailure = TargetFailure | 'internal_error';

/** What a scan is asked to do: fixed when it is created. */
export interface ScanDefinition {
  id: string;
  tenantId: string;
  connectionName: string | null;
  target: string;
  url: EncryptedValue;
  mode: ScanMode;
  sampleRows: number;
  schemas: string[] | null;
  tables: string[] | null;
  thresholds: ClassificationThresholds;
}

export interface NewScan extends ScanDefinition {
  createdBy: string;
}

export interface ScanRecord extends ScanDefinition {
  status: ScanStatus;
  failureReason: ScanFailure | null;
  failureMessage: string | null;
  tablesTotal: number | null;
  tablesDone: number;
  rowsScanned: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ScanTableRecord {
  ordinal: number;
  schema: string;
  table: string;
  readable: boolean;
  estimatedRows: number;
  columns: TargetColumn[];
  cursor: TableCursor;
  note: string | null;
  counts: Map<string, ColumnCounts>;
}

interface ScanRow {
  id: string;
  tenant_id: string;
  connection_name: string | null;
  target: string;
  url_ciphertext: Buffer;
  url_iv: Buffer;
  url_auth_tag: Buffer;
  key_version: number;
  mode: ScanMode;
  sample_rows: number;
  schemas: string[] | null;
  tables: string[] | null;
  thresholds: ClassificationThresholds;
  status: ScanStatus;
  failure_reason: ScanFailure | null;
  failure_message: string | null;
  tables_total: number | null;
  tables_done: number;
  rows_scanned: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

interface TableRow {
  ordinal: number;
  schema_name: string;
  table_name: string;
  readable: boolean;
  estimated_rows: number;
  columns: TargetColumn[];
  done: boolean;
  next_block: string;
  total_blocks: string | null;
  rows_scanned: string;
  note: string | null;
}

const toScan = (r: ScanRow): ScanRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  connectionName: r.connection_name,
  target: r.target,
  url: {
    ciphertext: r.url_ciphertext,
    iv: r.url_iv,
    tag: r.url_auth_tag,
    keyVersion: r.key_version,
  },
  mode: r.mode,
  sampleRows: r.sample_rows,
  schemas: r.schemas,
  tables: r.tables,
  thresholds: r.thresholds,
  status: r.status,
  failureReason: r.failure_reason,
  failureMessage: r.failure_message,
  tablesTotal: r.tables_total,
  tablesDone: r.tables_done,
  rowsScanned: Number(r.rows_scanned),
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** First key of the two-key advisory lock a scan's worker holds (the scan id's hash is the second). */
const SCAN_LOCK_CLASS = 1684632436;

/**
 * SQL for the scan tables (discovery_scans, discovery_scan_tables, discovery_scan_columns): scans,
 * their per-table cursors and per-column counts in the vault's own database.
 */
@Injectable()
export class ScanStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Runs `work` while this process holds the scan's session advisory lock (one worker per scan;
   * PostgreSQL releases it if the process dies). Undefined, without running `work`, when another
   * session holds it.
   */
  async whileLocked<T>(scanId: string, work: () => Promise<T>): Promise<T | undefined> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await selectRows<{ locked: boolean }>(
        runner,
        `SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`,
        [SCAN_LOCK_CLASS, scanId],
      );
      if (!locked) return undefined;
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [
          SCAN_LOCK_CLASS,
          scanId,
        ]);
      }
    } finally {
      await runner.release();
    }
  }

  async create(scan: NewScan): Promise<void> {
    await this.db.query(
      `INSERT INTO discovery_scans (id, tenant_id, connection_name, target, url_ciphertext, url_iv,
         url_auth_tag, key_version, mode, sample_rows, schemas, tables, thresholds, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        scan.id,
        scan.tenantId,
        scan.connectionName,
        scan.target,
        scan.url.ciphertext,
        scan.url.iv,
        scan.url.tag,
        scan.url.keyVersion,
        scan.mode,
        scan.sampleRows,
        scan.schemas,
        scan.tables,
        JSON.stringify(scan.thresholds),
        scan.createdBy,
      ],
    );
  }

  async find(id: string, tenantId?: string): Promise<ScanRecord | null> {
    const rows = await selectRows<ScanRow>(
      this.db,
      `SELECT * FROM discovery_scans WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2)`,
      [id, tenantId ?? null],
    );
    return rows[0] ? toScan(rows[0]) : null;
  }

  async list(tenantId: string, limit: number): Promise<ScanRecord[]> {
    const rows = await selectRows<ScanRow>(
      this.db,
      `SELECT * FROM discovery_scans WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map(toScan);
  }

  /** queued → running; false when the scan already finished (or was cancelled). */
  async markRunning(id: string): Promise<boolean> {
    const rows = await changedRows<{ id: string }>(
      this.db,
      `UPDATE discovery_scans SET status = 'running', started_at = COALESCE(started_at, now())
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async fail(id: string, reason: ScanFailure, message: string): Promise<void> {
    await this.db.query(
      `UPDATE discovery_scans SET status = 'failed', failure_reason = $2, failure_message = $3,
              finished_at = now()
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, reason, message],
    );
  }

  async complete(id: string): Promise<void> {
    await this.db.query(
      `UPDATE discovery_scans SET status = 'completed', finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id],
    );
  }

  /** Cancels a scan that has not finished; false when it had. */
  async cancel(id: string, tenantId: string): Promise<boolean> {
    const rows = await changedRows<{ id: string }>(
      this.db,
      `UPDATE discovery_scans SET status = 'cancelled', finished_at = now()
        WHERE id = $1 AND tenant_id = $2 AND status IN ('queued', 'running') RETURNING id`,
      [id, tenantId],
    );
    return rows.length > 0;
  }

  /** Records the tables a scan will read, once, with empty counts for every read column. */
  async plan(id: string, tables: readonly TargetTable[]): Promise<void> {
    await this.db.transaction(async (m) => {
      const locked = await selectRows<{ tables_total: number | null }>(
        m,
        `SELECT tables_total FROM discovery_scans WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (locked[0]?.tables_total !== null) return;
      for (const [ordinal, t] of tables.entries()) {
        await m.query(
          `INSERT INTO discovery_scan_tables
             (scan_id, ordinal, schema_name, table_name, readable, estimated_rows, columns, done, note)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            id,
            ordinal,
            t.schema,
            t.table,
            t.readable,
            t.estimatedRows,
            JSON.stringify(t.columns),
            !t.readable,
            t.readable ? null : 'not scanned: the scan user may not SELECT from this table',
          ],
        );
      }
      const unreadable = tables.filter((t) => !t.readable).length;
      await m.query(
        `UPDATE discovery_scans SET tables_total = $2, tables_done = $3 WHERE id = $1`,
        [id, tables.length, unreadable],
      );
    });
  }

  async tables(id: string): Promise<ScanTableRecord[]> {
    const tables = await selectRows<TableRow>(
      this.db,
      `SELECT * FROM discovery_scan_tables WHERE scan_id = $1 ORDER BY ordinal`,
      [id],
    );
    const columns = await selectRows<{
      table_ordinal: number;
      column_name: string;
      counts: ColumnCounts;
    }>(
      this.db,
      `SELECT table_ordinal, column_name, counts FROM discovery_scan_columns WHERE scan_id = $1`,
      [id],
    );
    const countsByTable = new Map<number, Map<string, ColumnCounts>>();
    for (const c of columns) {
      const map = countsByTable.get(c.table_ordinal) ?? new Map<string, ColumnCounts>();
      map.set(c.column_name, c.counts);
      countsByTable.set(c.table_ordinal, map);
    }
    return tables.map((t) => ({
      ordinal: t.ordinal,
      schema: t.schema_name,
      table: t.table_name,
      readable: t.readable,
      estimatedRows: t.estimated_rows,
      columns: t.columns,
      note: t.note,
      cursor: {
        nextBlock: Number(t.next_block),
        totalBlocks: t.total_blocks === null ? null : Number(t.total_blocks),
        rowsScanned: Number(t.rows_scanned),
        done: t.done,
      },
      counts: countsByTable.get(t.ordinal) ?? new Map<string, ColumnCounts>(),
    }));
  }

  /**
   * Stores one page's outcome: the table's cursor, its columns' counts and the scan's progress
   * in one transaction, so a page is counted exactly once however often a job restarts.
   * Returns the scan's status, which tells a running job whether it was cancelled.
   */
  async savePage(
    id: string,
    ordinal: number,
    before: TableCursor,
    after: TableCursor,
    counts: ReadonlyMap<string, ColumnCounts>,
  ): Promise<ScanStatus> {
    return this.db.transaction(async (m: EntityManager) => {
      const scan = await selectRows<{ status: ScanStatus }>(
        m,
        `SELECT status FROM discovery_scans WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (scan[0]?.status !== 'running') return scan[0]?.status ?? 'cancelled';
      for (const [column, c] of counts)
        await m.query(
          `INSERT INTO discovery_scan_columns (scan_id, table_ordinal, column_name, counts)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (scan_id, table_ordinal, column_name) DO UPDATE SET counts = EXCLUDED.counts`,
          [id, ordinal, column, JSON.stringify(c)],
        );
      await m.query(
        `UPDATE discovery_scan_tables SET next_block = $3, total_blocks = $4, rows_scanned = $5, done = $6
          WHERE scan_id = $1 AND ordinal = $2`,
        [id, ordinal, after.nextBlock, after.totalBlocks, after.rowsScanned, after.done],
      );
      await m.query(
        `UPDATE discovery_scans SET rows_scanned = rows_scanned + $2,
                tables_done = tables_done + $3
          WHERE id = $1`,
        [id, after.rowsScanned - before.rowsScanned, after.done && !before.done ? 1 : 0],
      );
      return 'running';
    });
  }

  /** A table the scan could not read: marked done with a note naming why, never a value. */
  async skipTable(id: string, ordinal: number, note: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const updated = await changedRows<{ ordinal: number }>(
        m,
        `UPDATE discovery_scan_tables SET done = true, note = $3
          WHERE scan_id = $1 AND ordinal = $2 AND NOT done RETURNING ordinal`,
        [id, ordinal, note],
      );
      if (updated.length > 0)
        await m.query(`UPDATE discovery_scans SET tables_done = tables_done + 1 WHERE id = $1`, [
          id,
        ]);
    });
  }
}
