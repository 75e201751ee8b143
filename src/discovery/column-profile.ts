import type { BatchDetector, Span } from './batch-detector';
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
/** Short single-line leaves are detected many to one text: per-call overhead dominates them. */
const BATCH_MAX_LEAF = 512;
const BATCH_MAX_CHARS = 8_192;
const BATCH_MAX_LEAVES = 128;
/**
 * Between batched leaves: a blank line around U+2029 PARAGRAPH SEPARATOR, which no pattern reads
 * across and where the name model starts afresh, so each leaf reads as it would alone.
 */
const SEPARATOR = '\n\u2029\n';

interface Part {
  /** Where the leaf's text (after its label) starts and ends in the batch text. */
  start: number;
  end: number;
}

interface Batch {
  text: string;
  parts: Part[];
  /** Per part, the leaf indexes (equal leaves) it stands for. */
  groups: number[][];
}

const labelled = (leaf: Leaf) => (leaf.label ? `${leaf.label}: ` : '');
const batchable = (leaf: Leaf) => leaf.text.length <= BATCH_MAX_LEAF && !leaf.text.includes('\n');

/**
 * Runs detection on a column's leaves with the column name as context ("ssn: 123-45-6789"), the
 * way a person reads a form: the label is the context word a bare value lacks. Only spans inside
 * the value count. Short leaves go many to one text, separated by blank lines; a span that
 * crosses from one leaf into another sends both to be detected alone. Keeps a bounded memo of
 * repeated leaves.
 */
export class ColumnAnalyzer {
  private readonly memo = new Map<string, LeafFindings>();

  constructor(
    private readonly detector: BatchDetector,
    readonly label: string,
  ) {}

  /** Findings of each leaf, in order. */
  async findingsOf(leaves: readonly Leaf[]): Promise<LeafFindings[]> {
    const out: LeafFindings[] = new Array<LeafFindings>(leaves.length);
    const pending = new Map<string, number[]>();
    for (const [i, leaf] of leaves.entries()) {
      const key = this.memoKey(leaf);
      const known = this.memo.get(key);
      if (known) out[i] = known;
      else {
        const group = pending.get(key);
        if (group) group.push(i);
        else pending.set(key, [i]);
      }
    }
    if (pending.size === 0) return out;
    const groups = [...pending.values()];
    const settle = (group: number[], found: LeafFindings) => {
      this.remember(this.memoKey(leaves[group[0]]), found);
      for (const i of group) out[i] = found;
    };
    const batches = this.batches(
      leaves,
      groups.filter((g) => batchable(leaves[g[0]])),
    );
    const alone = groups.filter((g) => !batchable(leaves[g[0]]));
    const spans = await this.detector.detectMany([
      ...batches.map((b) => b.text),
      ...alone.map((g) => labelled(leaves[g[0]]) + leaves[g[0]].text),
    ]);
    const redo: number[][] = [];
    for (const [b, batch] of batches.entries()) {
      const { counts, crossed } = readBatch(batch, spans[b]);
      for (const [k, group] of batch.groups.entries())
        if (crossed.has(k)) redo.push(group);
        else settle(group, counts[k]);
    }
    for (const [a, group] of alone.entries())
      settle(group, readAlone(leaves[group[0]], spans[batches.length + a]));
    if (redo.length > 0) {
      const again = await this.detector.detectMany(
        redo.map((g) => labelled(leaves[g[0]]) + leaves[g[0]].text),
      );
      for (const [r, group] of redo.entries()) settle(group, readAlone(leaves[group[0]], again[r]));
    }
    return out;
  }

  private batches(leaves: readonly Leaf[], groups: number[][]): Batch[] {
    const batches: Batch[] = [];
    let current: Batch = { text: '', parts: [], groups: [] };
    for (const group of groups) {
      const leaf = leaves[group[0]];
      if (
        current.parts.length >= BATCH_MAX_LEAVES ||
        current.text.length + leaf.text.length > BATCH_MAX_CHARS
      ) {
        batches.push(current);
        current = { text: '', parts: [], groups: [] };
      }
      if (current.parts.length > 0) current.text += SEPARATOR;
      current.text += labelled(leaf);
      current.parts.push({
        start: current.text.length,
        end: current.text.length + leaf.text.length,
      });
      current.text += leaf.text;
      current.groups.push(group);
    }
    if (current.parts.length > 0) batches.push(current);
    return batches;
  }

  private memoKey(leaf: Leaf): string {
    return leaf.label === this.label ? leaf.text : `${leaf.label}\u0000${leaf.text}`;
  }

  private remember(key: string, found: LeafFindings): void {
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, found);
  }
}

/** Counts per part of a batch, and the parts a span crossed out of (to detect alone). */
function readBatch(
  batch: Batch,
  spans: readonly Span[],
): { counts: LeafFindings[]; crossed: Set<number> } {
  const counts = batch.parts.map(() => new Map<string, number>());
  const crossed = new Set<number>();
  for (const e of spans) {
    const first = partAt(batch.parts, e.start);
    const last = partAt(batch.parts, e.end - 1);
    if (first !== last || e.end > batch.parts[first].end) {
      for (let k = first; k <= last; k++) crossed.add(k);
      continue;
    }
    // A span starting in the label is ignored, as readAlone ignores it.
    if (e.start < batch.parts[first].start) continue;
    counts[first].set(e.type, (counts[first].get(e.type) ?? 0) + 1);
  }
  return { counts: counts.map((c) => (c.size ? c : NO_FINDINGS)), crossed };
}

function readAlone(leaf: Leaf, spans: readonly Span[]): LeafFindings {
  if (spans.length === 0) return NO_FINDINGS;
  const prefix = labelled(leaf).length;
  const counts = new Map<string, number>();
  for (const e of spans) if (e.start >= prefix) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return counts.size ? counts : NO_FINDINGS;
}

/** The part whose label or text holds offset `at` (a separator belongs to the part before). */
function partAt(parts: readonly Part[], at: number): number {
  let lo = 0;
  let hi = parts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (labelStart(parts, mid) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where part k's label begins: just after the separator that follows part k-1. */
function labelStart(parts: readonly Part[], k: number): number {
  return k === 0 ? 0 : parts[k - 1].end + SEPARATOR.length;
}

/** Adds a page of one column's values (nulls included) to its counts. */
export async function addValues(
  counts: ColumnCounts,
  treatment: ColumnTreatment,
  values: readonly unknown[],
  analyzer: ColumnAnalyzer,
): Promise<void> {
  const present = values.filter((v) => v !== null && v !== undefined);
  counts.nonNull += present.length;
  if (treatment === 'ip' || treatment === 'mac') {
    // Every value of an inet or macaddr column is one address.
    const entry = (counts.types[treatment === 'ip' ? 'IP_ADDRESS' : 'MAC_ADDRESS'] ??= {
      values: 0,
      occurrences: 0,
    });
    entry.values += present.length;
    entry.occurrences += present.length;
    return;
  }
  if (treatment !== 'text') return;
  const leavesPerValue = present.map((v) => leavesOf(v, analyzer.label));
  const findings = await analyzer.findingsOf(leavesPerValue.flat());
  let next = 0;
  for (const leaves of leavesPerValue) {
    const merged = new Map<string, number>();
    for (const leaf of leaves) {
      counts.leaves++;
      counts.totalLength += leaf.text.length;
      counts.spaces += countSpaces(leaf.text);
      for (const [type, n] of findings[next++]) merged.set(type, (merged.get(type) ?? 0) + n);
    }
    tally(counts, merged);
  }
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
