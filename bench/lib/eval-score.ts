/**
 * Corpus scoring, shared by `npm run eval` and anyone training or tuning a recognizer.
 *
 * API (pure functions, no I/O):
 *
 *   const score = scoreDocuments(docs, options);
 *   // docs: { text, gold: ScoreSpan[], predicted: ScoreSpan[] }[] (UTF-16 offsets, end exclusive)
 *   score.byType.get('PERSON')   // { goldCount, goldMatched, predCount, predMatched, precision, recall, f1 }
 *   score.micro                  // same shape, over every scored type
 *   score.tokens                 // any-PII token level: { precision, recall, f2, ... }
 *
 * Typed scoring, overlap rule:
 * - Predictions are first mapped to the corpus's label set (`options.typeMap`: engine type →
 *   corpus type, or null to drop). When `options.types` is given, gold and mapped predictions of
 *   other types are dropped: a corpus is silent about the types it does not label.
 * - A gold span counts as found (recall) when a prediction of the same type overlaps it, or a
 *   prediction of a *covering* type does (`options.covers`, by default STREET_ADDRESS covers
 *   LOCATION and ZIP_CODE: one predicted whole address counts for the street, the city and the
 *   postcode gold spans inside it). One prediction may therefore find several gold spans.
 * - A prediction counts as correct (precision) when it finds at least one gold span that way.
 *   A LOCATION or ZIP_CODE prediction lying inside a gold STREET_ADDRESS is a part of that address
 *   and is neither right nor wrong (it is not counted).
 * - Per type, precision counts predictions by their (mapped) type and recall counts gold spans by
 *   theirs; micro P and R sum over every scored type; F1 is their harmonic mean.
 *
 * Token level ("any PII", as Presidio's evaluator reports it): the text is cut into tokens (runs of
 * letters/digits; punctuation and spaces are not tokens). A token is gold-PII when it overlaps any
 * gold span and predicted-PII when it overlaps any prediction, whatever the types and without the
 * type restriction above (so on a NER corpus every URL or ID the engine finds is a false positive).
 * precision = both / predicted, recall = both / gold, F2 weighs recall twice (β = 2).
 */

export interface ScoreSpan {
  type: string;
  start: number;
  end: number;
}

export interface ScoreDocument {
  id?: string;
  text: string;
  gold: readonly ScoreSpan[];
  predicted: readonly ScoreSpan[];
}

export interface ScoreOptions {
  /** The corpus's own types; everything else is dropped from typed scoring. All types if omitted. */
  types?: readonly string[];
  /** Prediction type → corpus type (null drops it). Types not listed keep their name. */
  typeMap?: Readonly<Record<string, string | null>>;
  /** Predicted type → gold types a prediction of that type may cover. */
  covers?: Readonly<Record<string, readonly string[]>>;
  /** Gold types whose parts (LOCATION/ZIP_CODE predictions inside) are not scored. */
  partsOf?: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_COVERS: Readonly<Record<string, readonly string[]>> = {
  STREET_ADDRESS: ['LOCATION', 'ZIP_CODE'],
};

/** Prediction type → gold container types inside which it is a part, not an error. */
export const DEFAULT_PARTS_OF: Readonly<Record<string, readonly string[]>> = {
  LOCATION: ['STREET_ADDRESS'],
  ZIP_CODE: ['STREET_ADDRESS'],
};

export interface TypeScore {
  goldCount: number;
  goldMatched: number;
  predCount: number;
  predMatched: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface TokenScore {
  goldTokens: number;
  predTokens: number;
  bothTokens: number;
  precision: number;
  recall: number;
  f2: number;
}

export interface SpanError {
  docIndex: number;
  kind: 'FP' | 'FN';
  span: ScoreSpan;
}

export interface CorpusScore {
  byType: Map<string, TypeScore>;
  micro: TypeScore;
  tokens: TokenScore;
  /** Unmatched gold spans (FN) and predictions (FP) after mapping, for error listings. */
  errors: SpanError[];
}

interface Tally {
  goldCount: number;
  goldMatched: number;
  predCount: number;
  predMatched: number;
}

function fBeta(precision: number, recall: number, beta: number): number {
  const b2 = beta * beta;
  const denom = b2 * precision + recall;
  return denom === 0 ? 0 : ((1 + b2) * precision * recall) / denom;
}

export function finish(t: Tally): TypeScore {
  const precision = t.predCount === 0 ? (t.goldCount === 0 ? 1 : 0) : t.predMatched / t.predCount;
  const recall = t.goldCount === 0 ? (t.predCount === 0 ? 1 : 0) : t.goldMatched / t.goldCount;
  return { ...t, precision, recall, f1: fBeta(precision, recall, 1) };
}

function overlaps(a: ScoreSpan, b: ScoreSpan): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Maps and filters the predictions of one document as `options` say. */
export function mapPredictions(
  predicted: readonly ScoreSpan[],
  options: ScoreOptions = {},
): ScoreSpan[] {
  const allowed = options.types ? new Set(options.types) : undefined;
  const out: ScoreSpan[] = [];
  for (const p of predicted) {
    const mapped = options.typeMap && p.type in options.typeMap ? options.typeMap[p.type] : p.type;
    if (mapped === null || mapped === undefined) continue;
    if (allowed && !allowed.has(mapped)) continue;
    out.push({ type: mapped, start: p.start, end: p.end });
  }
  return out;
}

/** Matches one document: which gold spans were found, which predictions were right. */
export function matchDocument(
  gold: readonly ScoreSpan[],
  predicted: readonly ScoreSpan[],
  covers: Readonly<Record<string, readonly string[]>> = DEFAULT_COVERS,
  partsOf: Readonly<Record<string, readonly string[]>> = DEFAULT_PARTS_OF,
): { goldFound: boolean[]; predRight: boolean[]; predScored: boolean[] } {
  const goldFound = new Array<boolean>(gold.length).fill(false);
  const predRight = new Array<boolean>(predicted.length).fill(false);
  const predScored = new Array<boolean>(predicted.length).fill(true);
  predicted.forEach((p, k) => {
    const coverable = covers[p.type] ?? [];
    gold.forEach((g, i) => {
      if (!overlaps(g, p)) return;
      if (g.type === p.type || coverable.includes(g.type)) {
        goldFound[i] = true;
        predRight[k] = true;
      }
    });
    if (!predRight[k]) {
      const containers = partsOf[p.type] ?? [];
      const inside = gold.some(
        (g) => containers.includes(g.type) && g.start <= p.start && p.end <= g.end,
      );
      if (inside) predScored[k] = false;
    }
  });
  return { goldFound, predRight, predScored };
}

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Token-level any-PII counts for one document (see the module comment). */
export function tokenCounts(
  text: string,
  gold: readonly ScoreSpan[],
  predicted: readonly ScoreSpan[],
): { gold: number; pred: number; both: number } {
  const inAny = (spans: readonly ScoreSpan[], s: number, e: number) =>
    spans.some((x) => x.start < e && s < x.end);
  let g = 0;
  let p = 0;
  let both = 0;
  for (const m of text.matchAll(TOKEN)) {
    const s = m.index;
    const e = s + m[0].length;
    const isGold = inAny(gold, s, e);
    const isPred = inAny(predicted, s, e);
    if (isGold) g++;
    if (isPred) p++;
    if (isGold && isPred) both++;
  }
  return { gold: g, pred: p, both };
}

function tally(map: Map<string, Tally>, type: string): Tally {
  let t = map.get(type);
  if (!t) map.set(type, (t = { goldCount: 0, goldMatched: 0, predCount: 0, predMatched: 0 }));
  return t;
}

export function scoreDocuments(
  docs: readonly ScoreDocument[],
  options: ScoreOptions = {},
): CorpusScore {
  const allowed = options.types ? new Set(options.types) : undefined;
  const covers = options.covers ?? DEFAULT_COVERS;
  const partsOf = options.partsOf ?? DEFAULT_PARTS_OF;
  const byType = new Map<string, Tally>();
  const micro: Tally = { goldCount: 0, goldMatched: 0, predCount: 0, predMatched: 0 };
  const tok = { gold: 0, pred: 0, both: 0 };
  const errors: SpanError[] = [];
  docs.forEach((doc, docIndex) => {
    const tc = tokenCounts(doc.text, doc.gold, doc.predicted);
    tok.gold += tc.gold;
    tok.pred += tc.pred;
    tok.both += tc.both;

    const gold = allowed ? doc.gold.filter((g) => allowed.has(g.type)) : doc.gold;
    const predicted = mapPredictions(doc.predicted, options);
    const { goldFound, predRight, predScored } = matchDocument(gold, predicted, covers, partsOf);
    gold.forEach((g, i) => {
      const t = tally(byType, g.type);
      t.goldCount++;
      micro.goldCount++;
      if (goldFound[i]) {
        t.goldMatched++;
        micro.goldMatched++;
      } else errors.push({ docIndex, kind: 'FN', span: g });
    });
    predicted.forEach((p, k) => {
      if (!predScored[k]) return;
      const t = tally(byType, p.type);
      t.predCount++;
      micro.predCount++;
      if (predRight[k]) {
        t.predMatched++;
        micro.predMatched++;
      } else errors.push({ docIndex, kind: 'FP', span: p });
    });
  });
  const precision = tok.pred === 0 ? (tok.gold === 0 ? 1 : 0) : tok.both / tok.pred;
  const recall = tok.gold === 0 ? (tok.pred === 0 ? 1 : 0) : tok.both / tok.gold;
  return {
    byType: new Map([...byType].map(([k, v]) => [k, finish(v)])),
    micro: finish(micro),
    tokens: {
      goldTokens: tok.gold,
      predTokens: tok.pred,
      bothTokens: tok.both,
      precision,
      recall,
      f2: fBeta(precision, recall, 2),
    },
    errors,
  };
}
