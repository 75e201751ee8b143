/**
 * Training of the named-entity model: an averaged perceptron, seeded shuffling. Two ways:
 * `viterbi` (the shipped one), the structured perceptron that decodes each text whole and
 * updates on the difference between the best sequence and the gold one; `greedy`, per-word
 * updates along the model's own greedy left-to-right tags. Features come from
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
  transitionFeatures,
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
  /** Per token: its lower-cased word, an index into `words`. */
  tokenWord: Int32Array;
  words: string[];
}

/**
 * Perceptron weights (feature x tag) with lazy averaging: each weight's sum over the updates so
 * far is brought up to date only when it changes, and once at the end.
 */
class AveragedWeights {
  readonly w: Float64Array;
  private readonly acc: Float64Array;
  private readonly stamp: Int32Array;
  private clock = 1;

  constructor(size: number) {
    this.w = new Float64Array(size);
    this.acc = new Float64Array(size);
    this.stamp = new Int32Array(size);
  }

  update(k: number, d: number): void {
    const { w, acc, stamp } = this;
    acc[k] += (this.clock - stamp[k]) * w[k];
    stamp[k] = this.clock;
    w[k] += d;
  }

  /** One training step done. */
  tick(): void {
    this.clock++;
  }

  averaged(): Float32Array {
    const { w, acc, stamp, clock } = this;
    const avg = new Float32Array(w.length);
    for (let k = 0; k < avg.length; k++) avg[k] = (acc[k] + (clock - stamp[k]) * w[k]) / clock;
    return avg;
  }
}

/** Ids of feature names: a name keeps its place in `names`, a new one is appended to it. */
function interner(names: string[]): {
  index: Map<string, number>;
  intern: (feature: string) => number;
} {
  const index = new Map(names.map((f, i) => [f, i]));
  const intern = (f: string): number => {
    let id = index.get(f);
    if (id === undefined) {
      id = names.length;
      names.push(f);
      index.set(f, id);
    }
    return id;
  };
  return { index, intern };
}

export function extract(
  texts: readonly LabelledText[],
  g: Gazetteers,
  useRules: boolean,
): Extracted {
  const names: string[] = [];
  const { index, intern } = interner(names);
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
  const tokenWord: number[] = [];
  const words: string[] = [];
  const wordIndex = new Map<string, number>();
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
      const lower = tokens[i].lower;
      let wi = wordIndex.get(lower);
      if (wi === undefined) {
        wi = words.length;
        words.push(lower);
        wordIndex.set(lower, wi);
      }
      tokenWord.push(wi);
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
  transitionIds = (t1: number, s: number): number[] =>
    transitionFeatures(t1, shapes[s]).map((f) => index.get(f) as number);
  return {
    names,
    textStart: Int32Array.from(textStart),
    tokenStart: Int32Array.from(tokenStart),
    ids: Int32Array.from(ids),
    shape: Int32Array.from(shape),
    gold: Uint8Array.from(gold),
    shapes,
    tokenWord: Int32Array.from(tokenWord),
    words,
  };
}

/**
 * The same texts with the learned word class of each word in the window as a feature (`cl=`,
 * at offsets -WINDOW..WINDOW, as wordFeatures and offsetFeatures name it). `classes` is what
 * wordClusters returns: the words of class i at index i.
 */
export function withClasses(x: Extracted, classes: readonly (readonly string[])[]): Extracted {
  const classOf = new Int32Array(x.words.length).fill(-1);
  const wordIndex = new Map<string, number>();
  x.words.forEach((w, i) => wordIndex.set(w, i));
  classes.forEach((ws, c) => {
    for (const w of ws) {
      const i = wordIndex.get(w);
      if (i !== undefined) classOf[i] = c;
    }
  });
  const names = [...x.names];
  const { intern } = interner(names);
  const idOf = (offset: number, c: number): number => intern(`${offset}cl=${c}`);
  const ids = new Int32Array(x.ids.length + x.tokenWord.length * (2 * WINDOW + 1));
  let n = 0;
  const tokenStart = new Int32Array(x.tokenStart.length);
  const texts = x.textStart.length - 1;
  for (let d = 0; d < texts; d++) {
    const first = x.textStart[d];
    const end = x.textStart[d + 1];
    for (let tok = first; tok < end; tok++) {
      tokenStart[tok] = n;
      for (let p = x.tokenStart[tok]; p < x.tokenStart[tok + 1]; p++) ids[n++] = x.ids[p];
      for (let k = -WINDOW; k <= WINDOW; k++) {
        if (tok + k < first || tok + k >= end) continue;
        const c = classOf[x.tokenWord[tok + k]];
        if (c >= 0) ids[n++] = idOf(k, c);
      }
    }
  }
  tokenStart[tokenStart.length - 1] = n;
  return { ...x, names, tokenStart, ids: ids.slice(0, n) };
}

let historyIds: (t1: number, t2: number, s: number) => number[] = () => [];
let transitionIds: (t1: number, s: number) => number[] = () => [];

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
  /** greedy (default): per-word updates along the model's own greedy tags; viterbi: the
   * structured perceptron, one update per text (or piece) from its best whole tag sequence. */
  decoder?: 'greedy' | 'viterbi';
  /** Structured training only: update on pieces of at least this many words (cut where the
   * gold tags are O) instead of on whole texts; 0 or absent: whole texts. */
  chunk?: number;
  /** Structured training only: train this many times, shuffled with seed, seed + 1, ..., and
   * average the weights (1 or absent: once). */
  runs?: number;
  /** Structured training only: the chance that a capitalised word's own spelling feature is
   * left out of one training step (word dropout); 0 or absent: never. */
  wordDropout?: number;
}

/** Trains on the texts whose indices are given; returns averaged weights per feature id. */
export function train(x: Extracted, textIds: readonly number[], opts: TrainOptions): Float32Array {
  if (opts.decoder === 'viterbi') {
    // Several runs over differently shuffled texts, their averaged weights averaged again.
    const runs = Math.max(1, opts.runs ?? 1);
    const sum = trainStructured(x, textIds, opts);
    for (let r = 1; r < runs; r++) {
      const avg = trainStructured(x, textIds, { ...opts, seed: opts.seed + r });
      for (let k = 0; k < sum.length; k++) sum[k] += avg[k];
    }
    if (runs > 1) for (let k = 0; k < sum.length; k++) sum[k] /= runs;
    return sum;
  }
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

  const weights = new AveragedWeights(nf * TAG_COUNT);
  const w = weights.w;
  const update = (f: number, t: number, d: number): void => weights.update(f * TAG_COUNT + t, d);
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
        weights.tick();
        t2 = t1;
        t1 = best;
      }
    }
  }
  return weights.averaged();
}

/** Weights as the committed file: features whose largest weight is below `prune` are dropped. */
export function toWeightsFile(
  x: Extracted,
  avg: Float32Array,
  useRules: boolean,
  prune: number,
  scale = 1000,
  decoder: 'greedy' | 'viterbi' = 'greedy',
  classes?: readonly (readonly string[])[],
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
  return {
    version: 1,
    tags: [...TAGS],
    scale,
    ruleFeatures: useRules,
    ...(decoder === 'viterbi' ? { decoder } : {}),
    ...(classes ? { classes } : {}),
    features,
  };
}

/** Features active for training: seen at least minCount times in the training texts. */
function activeFeatures(x: Extracted, textIds: readonly number[], minCount: number): Uint8Array {
  const nf = x.names.length;
  const count = new Int32Array(nf);
  for (const d of textIds) {
    for (let p = x.tokenStart[x.textStart[d]]; p < x.tokenStart[x.textStart[d + 1]]; p++) {
      count[x.ids[p]]++;
    }
  }
  const active = new Uint8Array(nf);
  for (let f = 0; f < nf; f++) active[f] = count[f] >= minCount ? 1 : 0;
  return active;
}

/**
 * Structured perceptron (Collins 2002) with first-order Viterbi decoding, averaged. Each text (or
 * each piece of `chunk` words or more, cut before a word where the gold tags run O) is decoded
 * whole with the current weights; where its best sequence differs from the gold one, the gold
 * sequence's features gain and the decoded one's lose, word by word and transition by
 * transition. Decoding in NerModel (decoder "viterbi") searches the same way, over whole texts.
 */
function trainStructured(
  x: Extracted,
  textIds: readonly number[],
  opts: TrainOptions,
): Float32Array {
  const T = TAG_COUNT;
  const nf = x.names.length;
  const active = activeFeatures(x, textIds, opts.minCount);
  // Word dropout: the capitalised word's own spelling (`0w=`) is hidden from some updates, so
  // the model also learns to tell a name by its shape and context, as it must for the names
  // it never saw. Its own generator, so the shuffle stays the same.
  const dropout = opts.wordDropout ?? 0;
  const identity = new Uint8Array(nf);
  if (dropout > 0) x.names.forEach((f, i) => (identity[i] = f.startsWith('0w=') ? 1 : 0));
  const capital = x.shapes.map((sh) => sh.startsWith('X'));
  const hide = mulberry32(opts.seed ^ 0x5bd1e995);
  const trans = new Map<number, number[]>();
  const transFor = (t1: number, s: number): number[] => {
    const key = t1 + T * s;
    let h = trans.get(key);
    if (!h) {
      h = transitionIds(t1, s);
      for (const f of h) active[f] = 1;
      trans.set(key, h);
    }
    return h;
  };
  const weights = new AveragedWeights(nf * T);
  const w = weights.w;
  const update = (f: number, t: number, d: number): void => weights.update(f * T + t, d);
  const random = mulberry32(opts.seed);
  const order = [...textIds];
  let maxLen = 0;
  for (const d of order) maxLen = Math.max(maxLen, x.textStart[d + 1] - x.textStart[d]);
  const em = new Float64Array(maxLen * T);
  const tr = new Float64Array(maxLen * T * T);
  const back = new Uint8Array(maxLen * T);
  const path = new Uint8Array(maxLen);
  const hidden = new Uint8Array(maxLen);
  let delta = new Float64Array(T);
  let next = new Float64Array(T);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const d of order) {
      for (const [first, n] of chunksOf(x, d, opts.chunk ?? 0)) {
        if (n === 0) continue;
        for (let i = 0; i < n; i++) {
          const tok = first + i;
          const o = i * T;
          hidden[i] = dropout > 0 && capital[x.shape[tok]] && hide() < dropout ? 1 : 0;
          for (let t = 0; t < T; t++) em[o + t] = 0;
          for (let p = x.tokenStart[tok]; p < x.tokenStart[tok + 1]; p++) {
            const f = x.ids[p];
            if (!active[f] || (hidden[i] && identity[f])) continue;
            const base = f * T;
            for (let t = 0; t < T; t++) em[o + t] += w[base + t];
          }
          const s = x.shape[tok];
          for (let p = 0; p < T; p++) {
            const row = (i * T + p) * T;
            for (let t = 0; t < T; t++) tr[row + t] = 0;
            for (const f of transFor(p, s)) {
              const base = f * T;
              for (let t = 0; t < T; t++) tr[row + t] += w[base + t];
            }
          }
        }
        for (let t = 0; t < T; t++) delta[t] = allowed(0, t) ? em[t] + tr[t] : -Infinity;
        for (let i = 1; i < n; i++) {
          for (let t = 0; t < T; t++) {
            let best = -Infinity;
            let arg = 0;
            for (let p = 0; p < T; p++) {
              if (!allowed(p, t)) continue;
              const v = delta[p] + tr[(i * T + p) * T + t];
              if (v > best) {
                best = v;
                arg = p;
              }
            }
            next[t] = best + em[i * T + t];
            back[i * T + t] = arg;
          }
          const swap = delta;
          delta = next;
          next = swap;
        }
        let last = 0;
        for (let t = 1; t < T; t++) if (delta[t] > delta[last]) last = t;
        path[n - 1] = last;
        for (let i = n - 1; i > 0; i--) path[i - 1] = back[i * T + path[i]];
        for (let i = 0; i < n; i++) {
          const tok = first + i;
          const gold = x.gold[tok];
          const pred = path[i];
          const gPrev = i > 0 ? x.gold[tok - 1] : 0;
          const pPrev = i > 0 ? path[i - 1] : 0;
          if (gold !== pred) {
            for (let p = x.tokenStart[tok]; p < x.tokenStart[tok + 1]; p++) {
              const f = x.ids[p];
              if (!active[f] || (hidden[i] && identity[f])) continue;
              update(f, gold, 1);
              update(f, pred, -1);
            }
          }
          if (gold !== pred || gPrev !== pPrev) {
            const s = x.shape[tok];
            for (const f of transFor(gPrev, s)) update(f, gold, 1);
            for (const f of transFor(pPrev, s)) update(f, pred, -1);
          }
        }
        weights.tick();
      }
    }
  }
  return weights.averaged();
}

/** A text's tokens as [first, count] pieces of at least `size` words, cut only before a word
 * that starts no span after an O (so the gold sequence of each piece starts as a text does). */
function chunksOf(x: Extracted, d: number, size: number): [number, number][] {
  const first = x.textStart[d];
  const end = x.textStart[d + 1];
  if (size <= 0) return [[first, end - first]];
  const out: [number, number][] = [];
  let start = first;
  for (let i = first + 1; i < end; i++) {
    const g = x.gold[i];
    if (i - start >= size && x.gold[i - 1] === 0 && (g === 0 || g % 2 === 1)) {
      out.push([start, i - start]);
      start = i;
    }
  }
  out.push([start, end - start]);
  return out;
}
