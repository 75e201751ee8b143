/**
 * Scores predicted spans against gold spans, per entity type, per genre and overall, under two
 * matching rules: `exact` (same type, start and end) and `overlap` (same type, spans intersect;
 * one-to-one). Pure functions so eval.ts and the peer comparison share one definition.
 */
import type { EvalRecord, GoldSpan } from './eval-dataset';

export interface Span {
  type: string;
  start: number;
  end: number;
}

export type MatchMode = 'exact' | 'overlap';
export const MATCH_MODES: readonly MatchMode[] = ['exact', 'overlap'];

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

export interface ScoredError {
  id: string;
  kind: 'FP' | 'FN';
  span: Span;
  text: string;
}

export interface Report {
  /** mode → type → counts */
  byType: Record<MatchMode, Map<string, Counts>>;
  /** mode → genre → counts over all types */
  byGenre: Record<MatchMode, Map<string, Counts>>;
  overall: Record<MatchMode, Counts>;
  /** Overlap-mode errors, for tuning. */
  errors: ScoredError[];
  /** Gold spans matched only by overlap, not exactly: boundary disagreements. */
  boundary: { id: string; gold: GoldSpan; predicted: Span; text: string }[];
  texts: number;
  chars: number;
}

/** Parts of an address a detector may report separately; inside a gold address they are not wrong. */
const CONTAINED_BY: Record<string, readonly string[]> = {
  LOCATION: ['STREET_ADDRESS'],
  ZIP_CODE: ['STREET_ADDRESS'],
};

const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });

export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp === 0 ? (c.fn === 0 ? 1 : 0) : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? (c.fp === 0 ? 1 : 0) : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

function isIgnored(pred: Span, gold: readonly Span[]): boolean {
  const containers = CONTAINED_BY[pred.type];
  if (!containers) return false;
  return gold.some(
    (g) =>
      containers.includes(g.type) &&
      g.start <= pred.start &&
      pred.end <= g.end &&
      g.type !== pred.type,
  );
}

/** Returns, for each prediction, the index of the gold span it matches, or -1. */
export function matchSpans(
  gold: readonly Span[],
  pred: readonly Span[],
  mode: MatchMode,
): number[] {
  const used = new Array<boolean>(gold.length).fill(false);
  return pred.map((p) => {
    let best = -1;
    let bestOverlap = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i];
      if (used[i] || g.type !== p.type) continue;
      if (mode === 'exact') {
        if (g.start === p.start && g.end === p.end) {
          best = i;
          break;
        }
        continue;
      }
      if (!overlaps(g, p)) continue;
      const amount = Math.min(g.end, p.end) - Math.max(g.start, p.start);
      if (amount > bestOverlap) {
        best = i;
        bestOverlap = amount;
      }
    }
    if (best >= 0) used[best] = true;
    return best;
  });
}

function bump(map: Map<string, Counts>, key: string, field: keyof Counts): void {
  let c = map.get(key);
  if (!c) map.set(key, (c = zero()));
  c[field]++;
}

export type Predictor = (text: string) => Span[];

export function evaluate(records: readonly EvalRecord[], predict: Predictor): Report {
  const report: Report = {
    byType: { exact: new Map(), overlap: new Map() },
    byGenre: { exact: new Map(), overlap: new Map() },
    overall: { exact: zero(), overlap: zero() },
    errors: [],
    boundary: [],
    texts: records.length,
    chars: 0,
  };
  for (const record of records) {
    report.chars += record.text.length;
    const gold = record.entities;
    const predicted = predict(record.text).filter((p) => !isIgnored(p, gold));
    for (const mode of MATCH_MODES) {
      const matches = matchSpans(gold, predicted, mode);
      const matchedGold = new Set(matches.filter((i) => i >= 0));
      const tally = (type: string, field: keyof Counts) => {
        bump(report.byType[mode], type, field);
        bump(report.byGenre[mode], record.genre, field);
        report.overall[mode][field]++;
      };
      predicted.forEach((p, k) => {
        tally(p.type, matches[k] >= 0 ? 'tp' : 'fp');
        if (mode === 'overlap' && matches[k] < 0) {
          report.errors.push({ id: record.id, kind: 'FP', span: p, text: record.text });
        }
        if (mode === 'overlap' && matches[k] >= 0) {
          const g = gold[matches[k]];
          if (g.start !== p.start || g.end !== p.end) {
            report.boundary.push({ id: record.id, gold: g, predicted: p, text: record.text });
          }
        }
      });
      gold.forEach((g, i) => {
        if (matchedGold.has(i)) return;
        tally(g.type, 'fn');
        if (mode === 'overlap')
          report.errors.push({ id: record.id, kind: 'FN', span: g, text: record.text });
      });
    }
  }
  return report;
}

export const NLP_TARGETS: Record<string, number> = {
  PERSON: 0.9,
  LOCATION: 0.85,
  ORGANIZATION: 0.85,
};
export const PATTERN_TARGET = 0.97;

export function targetFor(type: string): number {
  return NLP_TARGETS[type] ?? PATTERN_TARGET;
}

export function fmt(x: number): string {
  return x.toFixed(3);
}

export function pad(s: string | number, width: number, right = false): string {
  const str = String(s);
  return right ? str.padStart(width) : str.padEnd(width);
}

/** A one-line excerpt around a span, newlines shown as ⏎, the span in »«. */
export function excerpt(text: string, span: Span, context = 40): string {
  const before = text.slice(Math.max(0, span.start - context), span.start);
  const inner = text.slice(span.start, span.end);
  const after = text.slice(span.end, span.end + context);
  return `${before}»${inner}«${after}`.replace(/\n/g, '⏎');
}
