/**
 * A small span scorer for PERSON / LOCATION / ORGANIZATION: exact and overlap matching, per
 * type and micro-averaged. (The evaluation harness has its own, fuller scorer; this one only
 * serves the named-entity cross-validation and can be folded into it.)
 *
 * Overlap: a prediction is correct when it overlaps a gold span of its type; a gold span is
 * found when a prediction of its type overlaps it. Exact: same type, start and end.
 */
import { NER_TYPES, type GoldSpan, type NerRecord } from './ner-corpora';

export interface Span {
  type: string;
  start: number;
  end: number;
}

export interface Counts {
  tpPred: number;
  pred: number;
  tpGold: number;
  gold: number;
}

export type Scores = Record<string, { exact: Counts; overlap: Counts }>;

function zero(): Counts {
  return { tpPred: 0, pred: 0, tpGold: 0, gold: 0 };
}

export function emptyScores(): Scores {
  const s: Scores = {};
  for (const t of NER_TYPES) s[t] = { exact: zero(), overlap: zero() };
  return s;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

/** Adds one record's predictions to the counts. Predictions overlapping ignored spans are dropped. */
export function scoreRecord(scores: Scores, record: NerRecord, predicted: readonly Span[]): void {
  const preds = predicted.filter(
    (p) => scores[p.type] && !record.ignored.some((g) => overlaps(g, p)),
  );
  const gold: readonly GoldSpan[] = record.entities;
  for (const t of NER_TYPES) {
    const g = gold.filter((s) => s.type === t);
    const p = preds.filter((s) => s.type === t);
    const { exact, overlap } = scores[t];
    exact.gold += g.length;
    overlap.gold += g.length;
    exact.pred += p.length;
    overlap.pred += p.length;
    for (const x of p) {
      if (g.some((y) => y.start === x.start && y.end === x.end)) exact.tpPred++;
      if (g.some((y) => overlaps(x, y))) overlap.tpPred++;
    }
    for (const y of g) {
      if (p.some((x) => x.start === y.start && x.end === y.end)) exact.tpGold++;
      if (p.some((x) => overlaps(x, y))) overlap.tpGold++;
    }
  }
}

export function mergeScores(into: Scores, from: Scores): void {
  for (const t of Object.keys(from)) {
    for (const mode of ['exact', 'overlap'] as const) {
      const a = into[t][mode];
      const b = from[t][mode];
      a.tpPred += b.tpPred;
      a.pred += b.pred;
      a.tpGold += b.tpGold;
      a.gold += b.gold;
    }
  }
}

export interface Prf {
  p: number;
  r: number;
  f1: number;
}

export function prf(c: Counts): Prf {
  const p = c.pred ? c.tpPred / c.pred : 0;
  const r = c.gold ? c.tpGold / c.gold : 0;
  return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
}

export function micro(scores: Scores, mode: 'exact' | 'overlap'): Prf {
  const sum = zero();
  for (const t of NER_TYPES) {
    const c = scores[t][mode];
    sum.tpPred += c.tpPred;
    sum.pred += c.pred;
    sum.tpGold += c.tpGold;
    sum.gold += c.gold;
  }
  return prf(sum);
}
