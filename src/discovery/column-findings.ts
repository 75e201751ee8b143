import {
  classifyColumn,
  type ClassificationThresholds,
  type EntityFinding,
} from './column-classifier';
import { type ColumnCounts, emptyCounts } from './column-profile';
import type { TargetColumn } from './target-database';

/** What a scan reports of one column: its classification and counts, never a value. */
export interface ColumnFinding {
  schema: string;
  table: string;
  column: string;
  dataType: string;
  classification: string | null;
  confidence: number;
  freeText: boolean;
  /** Non-null values read. */
  valuesScanned: number;
  entities: EntityFinding[];
  note?: string;
}

export interface TableCounts {
  schema: string;
  table: string;
  readable: boolean;
  columns: readonly TargetColumn[];
  counts: ReadonlyMap<string, ColumnCounts>;
}

/** Findings of one table's columns, classified with the scan's thresholds. */
export function columnFindings(
  table: TableCounts,
  thresholds: ClassificationThresholds,
): ColumnFinding[] {
  return table.columns.map((c) => {
    const counts = table.counts.get(c.name) ?? emptyCounts();
    const result = classifyColumn(
      { table: table.table, column: c.name, treatment: c.treatment },
      counts,
      thresholds,
    );
    const finding: ColumnFinding = {
      schema: table.schema,
      table: table.table,
      column: c.name,
      dataType: c.dataType,
      classification: result.classification,
      confidence: result.confidence,
      freeText: result.freeText,
      valuesScanned: counts.nonNull,
      entities: result.entities,
    };
    if (c.treatment === 'skipped') finding.note = `not scanned: ${c.dataType} values are not read`;
    else if (!table.readable) finding.note = 'not scanned: no SELECT privilege on the table';
    return finding;
  });
}
