/**
 * Training of the named-entity model (averaged perceptron, greedy left-to-right decoding with
 * the model's own previous tags, seeded shuffling). Features come from
 * src/detection/nlp/model/features.ts, the same code decoding uses.
 */
import type { Gazetteers } from '../../src/detection/nlp/gazetteers';
import {
  allowed,
  gapFeatures,
  historyFeatures,
  offsetFeatures,
  positionFeatures,
  shapeOf,
  spansToTags,
  TAG_COUNT,
  TAGS,
  WINDOW,
  wordFeatures,
} from '../../src/detection/nlp/model/features';
import type { NerWeightsFile } from '../../src/detection/nlp/model/ner-model';
import { NamedEntityRecognizer, wordsOf } from '../../src/detection/nlp/named-entity-recognizer';
import { ruleTagsOf } from '../../src/detection/nlp/nlp-engine';

export interface LabelledText {
  text: string;
  entities: readonly { type: string; start: number; end: number }[];
}

/** Feature ids of every token of every text, flattened. */
export interface Extracted {
  names: string[];
  /** Per text: index of its first token. */
  textStart: Int32Array;
  /** Per token: index of its first feature id in `ids`. */
  tokenStart: Int32Array;
  ids: Int32Array;
  shape: Int32Array;
  gold: Uint8Array;
  shapes: string[];
}

export function extract(
  texts: readonly LabelledText[],
  g: Gazetteers,
  useRules: boolean,
): Extracted {
  const names: string[] = [];
  const index = new Map<string, number>();
  const intern = (f: string): number => {
    let id = index.get(f);
    if (id === undefined) {
      id = names.length;
      names.push(f);
      index.set(f, id);
    }
    return id;
  };
  const shapes: string[] = [];
  const shapeIndex = new Map<string, number>();
  const wordCache = new Map<string, { own: string[]; any: string[]; shape: number }>();
  const word = (w: string): { own: string[]; any: string[]; shape: number } => {
    let e = wordCache.get(w);
    if (!e) {
      const [own, any] = wordFeatures(w, g);
      const sh = shapeOf(w);
      let s = shapeIndex.get(sh);
      if (s === undefined) {
        s = shapes.length;
        shapes.push(sh);
        shapeIndex.set(sh, s);
      }
      e = { own, any, shape: s };
      wordCache.set(w, e);
    }
    return e;
  };
  const pad = { own: [] as string[], any: ['w=<s>'], shape: -1 };
  const rules = useRules ? new NamedEntityRecognizer(g) : undefined;

  const textStart: number[] = [];
  const tokenStart: number[] = [];
  const ids: number[] = [];
  const shape: number[] = [];
  const gold: number[] = [];
  for (const t of texts) {
    const tokens = wordsOf(t.text);
    textStart.push(tokenStart.length);
    const tags = spansToTags(tokens, t.entities);
    const rt = rules ? ruleTagsOf(tokens, rules.analyzeWords(t.text, tokens)) : undefined;
    const n = tokens.length;
    const entries = tokens.map((tok) => word(tok.text));
    for (let i = 0; i < n; i++) {
      tokenStart.push(ids.length);
      for (let k = -WINDOW; k <= WINDOW; k++) {
        const e = i + k >= 0 && i + k < n ? entries[i + k] : pad;
        for (const f of offsetFeatures(e.own, e.any, k)) ids.push(intern(f));
      }
      const after = i + 1 < n ? tokens[i + 1].gapBefore : '\n';
      for (const f of gapFeatures(tokens[i].gapBefore, after)) ids.push(intern(f));
      const facts = {
        sentenceStart: tokens[i].sentenceStart,
        capsLine: tokens[i].capsLine,
        possessive: tokens[i].possessive,
        first: i === 0,
        rules: rt
          ? ([i > 0 ? rt[i - 1] : 0, rt[i], i + 1 < n ? rt[i + 1] : 0] as const)
          : undefined,
      };
      for (const f of positionFeatures(facts, shapes[entries[i].shape])) ids.push(intern(f));
      shape.push(entries[i].shape);
      gold.push(tags[i]);
    }
  }
  textStart.push(tokenStart.length);
  tokenStart.push(ids.length);
  // History features for every (t1, t2, shape), interned up front.
  for (const sh of shapes) {
    for (let t1 = 0; t1 < TAG_COUNT; t1++) {
      for (let t2 = 0; t2 < TAG_COUNT; t2++) historyFeatures(t1, t2, sh).forEach(intern);
    }
  }
  const histId = (t1: number, t2: number, s: number): number[] =>
    historyFeatures(t1, t2, shapes[s]).map((f) => index.get(f) as number);
  historyIds = histId;
  return {
    names,
    textStart: Int32Array.from(textStart),
    tokenStart: Int32Array.from(tokenStart),
    ids: Int32Array.from(ids),
    shape: Int32Array.from(shape),
    gold: Uint8Array.from(gold),
    shapes,
  };
}

let historyIds: (t1: number, t2: number, s: number) => number[] = () => [];

/** mulberry32: a small seeded generator, so every training run shuffles the same way. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrainOptions {
  epochs: number;
  seed: number;
  /** Features seen fewer times than this in the training texts are left out. */
  minCount: number;
}

/** Trains on the texts whose indices are given; returns averaged weights per feature id. */
export function train(x: Extracted, textIds: readonly number[], opts: TrainOptions): Float32Array {
  const nf = x.names.length;
  const count = new Int32Array(nf);
  for (const d of textIds) {
    for (let p = x.tokenStart[x.textStart[d]]; p < x.tokenStart[x.textStart[d + 1]]; p++) {
      count[x.ids[p]]++;
    }
  }
  const active = new Uint8Array(nf);
  for (let f = 0; f < nf; f++) active[f] = count[f] >= opts.minCount ? 1 : 0;
  // History features are always active.
  const hist = new Map<number, number[]>();
  const histFor = (t1: number, t2: number, s: number): number[] => {
    const key = t1 + TAG_COUNT * t2 + TAG_COUNT * TAG_COUNT * s;
    let h = hist.get(key);
    if (!h) {
      h = historyIds(t1, t2, s);
      for (const f of h) active[f] = 1;
      hist.set(key, h);
    }
    return h;
  };

  const w = new Float64Array(nf * TAG_COUNT);
  const acc = new Float64Array(nf * TAG_COUNT);
  const stamp = new Int32Array(nf * TAG_COUNT);
  let clock = 1;
  const update = (f: number, t: number, d: number): void => {
    const k = f * TAG_COUNT + t;
    acc[k] += (clock - stamp[k]) * w[k];
    stamp[k] = clock;
    w[k] += d;
  };
  const random = mulberry32(opts.seed);
  const order = [...textIds];
  const scores = new Float64Array(TAG_COUNT);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const d of order) {
      let t1 = 0;
      let t2 = 0;
      for (let tok = x.textStart[d]; tok < x.textStart[d + 1]; tok++) {
        scores.fill(0);
        const from = x.tokenStart[tok];
        const to = x.tokenStart[tok + 1];
        for (let p = from; p < to; p++) {
          const f = x.ids[p];
          if (!active[f]) continue;
          const base = f * TAG_COUNT;
          for (let t = 0; t < TAG_COUNT; t++) scores[t] += w[base + t];
        }
        const h = histFor(t1, t2, x.shape[tok]);
        for (const f of h) {
          const base = f * TAG_COUNT;
          for (let t = 0; t < TAG_COUNT; t++) scores[t] += w[base + t];
        }
        let best = 0;
        let bestScore = -Infinity;
        for (let t = 0; t < TAG_COUNT; t++) {
          if (allowed(t1, t) && scores[t] > bestScore) {
            bestScore = scores[t];
            best = t;
          }
        }
        const gold = x.gold[tok];
        if (best !== gold) {
          for (let p = from; p < to; p++) {
            const f = x.ids[p];
            if (!active[f]) continue;
            update(f, gold, 1);
            update(f, best, -1);
          }
          // The history the gold tag was scored with is the decoded one.
          for (const f of h) {
            update(f, gold, 1);
            update(f, best, -1);
          }
        }
        clock++;
        t2 = t1;
        t1 = best;
      }
    }
  }
  const avg = new Float32Array(nf * TAG_COUNT);
  for (let k = 0; k < avg.length; k++) {
    avg[k] = (acc[k] + (clock - stamp[k]) * w[k]) / clock;
  }
  return avg;
}

/** Weights as the committed file: features whose largest weight is below `prune` are dropped. */
export function toWeightsFile(
  x: Extracted,
  avg: Float32Array,
  useRules: boolean,
  prune: number,
  scale = 1000,
): NerWeightsFile {
  const features: Record<string, number[]> = {};
  for (let f = 0; f < x.names.length; f++) {
    const pairs: number[] = [];
    for (let t = 0; t < TAG_COUNT; t++) {
      const v = avg[f * TAG_COUNT + t];
      if (Math.abs(v) >= prune) pairs.push(t, Math.round(v * scale));
    }
    if (pairs.length > 0) features[x.names[f]] = pairs;
  }
  return { version: 1, tags: [...TAGS], scale, ruleFeatures: useRules, features };
}
