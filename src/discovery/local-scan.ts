import { InProcessDetector } from './batch-detector';
import { DEFAULT_THRESHOLDS, type ClassificationThresholds } from './column-classifier';
import type { ColumnCounts } from './column-profile';
import { columnFindings, type ColumnFinding } from './column-findings';
import { startCursor, TableScanner, type ScanSettings } from './table-scanner';
import { TargetDatabase, type TargetOptions, type TargetTable } from './target-database';

export interface LocalScanOptions extends ScanSettings, TargetOptions {
  schemas?: string[];
  tables?: string[];
  thresholds?: ClassificationThresholds;
}

export interface LocalScanProgress {
  table: TargetTable;
  tablesDone: number;
  tablesTotal: number;
  rowsScanned: number;
  /** Rows the scan expects to read in all (planner estimates; sample mode caps each table). */
  rowsExpected: number;
}

/**
 * A scan run in this process, with nothing stored: the command line's `scan`. Same reader,
 * detection and classifier as the durable jobs, findings returned instead of saved.
 */
export async function scanDatabase(
  url: string,
  options: LocalScanOptions,
  onProgress: (progress: LocalScanProgress) => void = () => undefined,
): Promise<ColumnFinding[]> {
  const target = await TargetDatabase.open(url, options);
  try {
    const detector = new InProcessDetector();
    const tables = await target.tables(options.schemas, options.tables);
    const expected = (t: TargetTable) => {
      const rows = Math.max(0, t.estimatedRows);
      return options.mode === 'sample' ? Math.min(rows, options.sampleRows) : rows;
    };
    const rowsExpected = tables.reduce((sum, t) => sum + (t.readable ? expected(t) : 0), 0);
    const findings: ColumnFinding[] = [];
    let rowsScanned = 0;
    for (const [i, table] of tables.entries()) {
      const counts = new Map<string, ColumnCounts>();
      if (table.readable) {
        const scanner = new TableScanner(detector, table, counts, options);
        let cursor = startCursor();
        while (!cursor.done) {
          const before = cursor.rowsScanned;
          cursor = await scanner.step(target, cursor);
          rowsScanned += cursor.rowsScanned - before;
          onProgress({
            table,
            tablesDone: i,
            tablesTotal: tables.length,
            rowsScanned,
            rowsExpected,
          });
        }
      }
      findings.push(
        ...columnFindings({ ...table, counts }, options.thresholds ?? DEFAULT_THRESHOLDS),
      );
      onProgress({
        table,
        tablesDone: i + 1,
        tablesTotal: tables.length,
        rowsScanned,
        rowsExpected,
      });
    }
    return findings;
  } finally {
    await target.close();
  }
}
