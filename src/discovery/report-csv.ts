import type { ColumnFinding } from './column-findings';

const HEADER = [
  'schema',
  'table',
  'column',
  'data_type',
  'classification',
  'confidence',
  'free_text',
  'values_scanned',
  'entities',
  'note',
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; leading =+-@ neutralised. */
function field(value: string | number | boolean | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  // A spreadsheet would run a cell starting with these as a formula (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The scan's findings as CSV: one row per column, entity ratios as TYPE:ratio:count. */
export function findingsCsv(columns: readonly ColumnFinding[]): string {
  const lines = [HEADER.join(',')];
  for (const c of columns)
    lines.push(
      [
        c.schema,
        c.table,
        c.column,
        c.dataType,
        c.classification,
        c.confidence,
        c.freeText,
        c.valuesScanned,
        c.entities.map((e) => `${e.type}:${e.ratio}:${e.count}`).join(' '),
        c.note,
      ]
        .map(field)
        .join(','),
    );
  return lines.join('\r\n') + '\r\n';
}
