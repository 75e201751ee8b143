import type { BatchDetector } from './batch-detector';
import { contextLabel } from './column-hints';
import { addValues, ColumnAnalyzer, type ColumnCounts, emptyCounts } from './column-profile';
import type { TargetColumn, TargetDatabase, TargetTable } from './target-database';

export type ScanMode = 'sample' | 'full';

export interface ScanSettings {
  mode: ScanMode;
  /** Rows read per table in sample mode. */
  sampleRows: number;
  /** Rows aimed at per page in full mode (pages are ranges of heap blocks). */
  pageRows: number;
  /** Bytes of values one read may load: a page shrinks to fit (PII_VAULT_DISCOVERY_PAGE_MAX_BYTES). */
  pageMaxBytes: number;
}

/** Where a table's scan stands; all of it is positions and counts, never a value. */
export interface TableCursor {
  nextBlock: number;
  /** Heap blocks when the table's scan began; null until then. */
  totalBlocks: number | null;
  rowsScanned: number;
  done: boolean;
}

export const startCursor = (): TableCursor => ({
  nextBlock: 0,
  totalBlocks: null,
  rowsScanned: 0,
  done: false,
});

/** Rows per heap block assumed for a table never analysed. */
const FALLBACK_ROWS_PER_BLOCK = 60;

/**
 * Reads one table page by page and folds every value into per-column counts. The same code
 * serves the durable scan jobs and the command line; callers decide where counts and cursors
 * are kept between pages.
 */
export class TableScanner {
  readonly columns: readonly TargetColumn[];
  private readonly analyzers: ColumnAnalyzer[];

  constructor(
    detector: BatchDetector,
    readonly table: TargetTable,
    readonly counts: Map<string, ColumnCounts>,
    private readonly settings: ScanSettings,
  ) {
    this.columns = table.columns.filter((c) => c.treatment !== 'skipped');
    for (const c of this.columns) if (!counts.has(c.name)) counts.set(c.name, emptyCounts());
    this.analyzers = this.columns.map((c) => new ColumnAnalyzer(detector, contextLabel(c.name)));
  }

  /** Reads the next page; returns the cursor after it. */
  async step(target: TargetDatabase, cursor: TableCursor): Promise<TableCursor> {
    if (cursor.done) return cursor;
    if (this.columns.length === 0) return { ...cursor, done: true };
    if (this.settings.mode === 'sample') {
      const rows = await target.sample(
        this.table,
        this.columns,
        this.settings.sampleRows,
        this.settings.pageMaxBytes,
      );
      await this.fold(rows);
      return { ...cursor, rowsScanned: rows.length, done: true };
    }
    const totalBlocks = cursor.totalBlocks ?? (await target.blocks(this.table));
    if (cursor.nextBlock >= totalBlocks) return { ...cursor, totalBlocks, done: true };
    const { rows, toBlock } = await target.pageRange(
      this.table,
      this.columns,
      cursor.nextBlock,
      Math.min(totalBlocks, cursor.nextBlock + this.blocksPerPage(totalBlocks)),
      this.settings.pageMaxBytes,
    );
    await this.fold(rows);
    return {
      nextBlock: toBlock,
      totalBlocks,
      rowsScanned: cursor.rowsScanned + rows.length,
      done: toBlock >= totalBlocks,
    };
  }

  private blocksPerPage(totalBlocks: number): number {
    const estimated = this.table.estimatedRows;
    const perBlock =
      estimated > 0 && totalBlocks > 0 ? estimated / totalBlocks : FALLBACK_ROWS_PER_BLOCK;
    return Math.max(1, Math.floor(this.settings.pageRows / Math.max(1, perBlock)));
  }

  /** Columns go to the detector together, so a pool of workers takes them in parallel. */
  private async fold(rows: readonly unknown[][]): Promise<void> {
    await Promise.all(
      this.columns.map((column, i) =>
        addValues(
          this.counts.get(column.name) as ColumnCounts,
          column.treatment,
          rows.map((row) => row[i]),
          this.analyzers[i],
        ),
      ),
    );
  }
}
