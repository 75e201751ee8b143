import type { DetectionEngine } from '../detection';
import { contextLabel } from './column-hints';

/** How a column's values are read: detected as text, judged by SQL type, or not read at all. */
export type ColumnTreatment =
  | 'text' // text-like, numbers, json/jsonb and arrays: every leaf goes through detection
  | 'personal_date' // date/timestamp: PII by name and type, values only counted
  | 'ip' // inet/cidr: IP addresses by type
  | 'mac' // macaddr: MAC addresses by type
  | 'skipped'; // bytea, booleans, uuids, geometry...: not read

/** Per-type tallies of one column: values with at least one match, and matches in all. */
export interface TypeCount {
  values: number;
  occurrences: number;
}

/** What a scan has learned about one column so far: counts only, never a value. */
export interface ColumnCounts {
  nonNull: number;
  /** String leaves read (a json value or an array can hold several). */
  leaves: number;
  /** UTF-16 length of all leaves, and the spaces in them: tells free text from fields. */
  totalLength: number;
  spaces: number;
  types: Record<string, TypeCount>;
}

export const emptyCounts = (): ColumnCounts => ({
  nonNull: 0,
  leaves: 0,
  totalLength: 0,
  spaces: 0,
  types: {},
});

/** SQL type (pg_type.typname, `_x` for arrays) → how it is read. */
export function treatmentFor(typname: string, typcategory: string): ColumnTreatment {
  const base = typname.startsWith('_') ? typname.slice(1) : typname;
  if (base === 'inet' || base === 'cidr') return 'ip';
  if (base === 'macaddr' || base === 'macaddr8') return 'mac';
  if (['date', 'timestamp', 'timestamptz'].includes(base)) return 'personal_date';
  if (['json', 'jsonb', 'text', 'varchar', 'bpchar', 'name', 'citext', 'xml'].includes(base))
    return 'text';
  if (['int8', 'numeric'].includes(base)) return 'text'; // 16-digit cards and 9-digit SSNs fit
  if (typcategory === 'S') return 'text'; // other string types (domains resolve to their base)
  return 'skipped';
}

/** Longest leaf read: a note longer than this is read in its first part only. */
const MAX_LEAF_LENGTH = 20_000;
/** A json document or array yields at most this many leaves. */
const MAX_LEAVES_PER_VALUE = 500;
const MAX_JSON_DEPTH = 32;

interface Leaf {
  label: string;
  text: string;
}

/** Strings (and long numbers) inside a value, each with the nearest key as its label. */
export function leavesOf(value: unknown, label: string): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (v: unknown, key: string, depth: number): void => {
    if (leaves.length >= MAX_LEAVES_PER_VALUE || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (v.length > 0) leaves.push({ label: key, text: v.slice(0, MAX_LEAF_LENGTH) });
    } else if (typeof v === 'number' || typeof v === 'bigint') {
      const s = String(v);
      if (s.length >= 5) leaves.push({ label: key, text: s });
    } else if (depth < MAX_JSON_DEPTH && Array.isArray(v)) {
      for (const item of v) walk(item, key, depth + 1);
    } else if (depth < MAX_JSON_DEPTH && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, item] of Object.entries(v as Record<string, unknown>))
        walk(item, contextLabel(k) || key, depth + 1);
    }
  };
  walk(value, label, 0);
  return leaves;
}

/** Entity types with their match counts in one text. */
export type LeafFindings = ReadonlyMap<string, number>;

const NO_FINDINGS: LeafFindings = new Map();
/** Per-column memo of leaf → findings; categorical columns repeat values a lot. */
const MEMO_LIMIT = 20_000;

/**
 * Runs detection on a column's leaves with the column name as context ("ssn: 123-45-6789"), the
 * way a person reads a form: the label is the context word a bare value lacks. Only spans inside
 * the value count. Keeps a bounded memo of repeated leaves.
 */
export class ColumnAnalyzer {
  private readonly memo = new Map<string, LeafFindings>();

  constructor(
    private readonly engine: DetectionEngine,
    readonly label: string,
  ) {}

  findings(leaf: Leaf): LeafFindings {
    const memoKey = leaf.label === this.label ? leaf.text : `${leaf.label}\u0000${leaf.text}`;
    const known = this.memo.get(memoKey);
    if (known) return known;
    const found = this.detect(leaf);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(memoKey, found);
    return found;
  }

  private detect(leaf: Leaf): LeafFindings {
    const prefix = leaf.label ? `${leaf.label}: ` : '';
    const entities = this.engine.detect(prefix + leaf.text);
    if (entities.length === 0) return NO_FINDINGS;
    const counts = new Map<string, number>();
    for (const e of entities) {
      if (e.start < prefix.length) continue;
      counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    }
    return counts;
  }
}

/** Adds one non-null value of a column to its counts. */
export function addValue(
  counts: ColumnCounts,
  treatment: ColumnTreatment,
  value: unknown,
  analyzer: ColumnAnalyzer,
): void {
  if (value === null || value === undefined) return;
  counts.nonNull++;
  if (treatment === 'ip') return tally(counts, new Map([['IP_ADDRESS', 1]]));
  if (treatment === 'mac') return tally(counts, new Map([['MAC_ADDRESS', 1]]));
  if (treatment !== 'text') return;
  const merged = new Map<string, number>();
  for (const leaf of leavesOf(value, analyzer.label)) {
    counts.leaves++;
    counts.totalLength += leaf.text.length;
    counts.spaces += countSpaces(leaf.text);
    for (const [type, n] of analyzer.findings(leaf)) merged.set(type, (merged.get(type) ?? 0) + n);
  }
  tally(counts, merged);
}

function tally(counts: ColumnCounts, found: ReadonlyMap<string, number>): void {
  for (const [type, n] of found) {
    const entry = (counts.types[type] ??= { values: 0, occurrences: 0 });
    entry.values++;
    entry.occurrences += n;
  }
}

function countSpaces(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) n++;
  return n;
}
