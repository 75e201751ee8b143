/**
 * Decoding of the trained named-entity model: an averaged perceptron over BIO tags (see
 * features.ts for what it looks at, bench/train-ner.ts for how it is trained). The shipped
 * weights are decoded with Viterbi over first-order tag transitions (structured training); files
 * without a `decoder` field are decoded greedily left to right, as the first models were. The
 * weights are data in ner-weights.json, read once per process (or thread).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gazetteers } from '../gazetteers';
import type { Token } from '../tokens';
import {
  allowed,
  gapSignature,
  historyFeatures,
  OFFSETS,
  transitionFeatures,
  positionFeatures,
  shapeOf,
  TAG_COUNT,
  TAGS,
  WINDOW,
  wordFeatures,
  type WordClasses,
} from './features';

/** The committed weights: per feature, pairs of (tag index, weight × scale). */
export interface NerWeightsFile {
  version: 1;
  tags: readonly string[];
  scale: number;
  /** Whether the model was trained with the rule recognizer's tags as features. */
  ruleFeatures: boolean;
  /**
   * How the tags are chosen: `greedy` (absent: the first files) takes the best tag per word left
   * to right given the two before; `viterbi` takes the best whole sequence under first-order
   * transitions (the weights then come from structured training, see bench/lib/ner-train.ts).
   */
  decoder?: Decoder;
  /**
   * Word classes learned from the training text (bench/lib/ner-clusters.ts): the lower-cased
   * words of each class, class i at index i. Absent in files trained without them.
   */
  classes?: readonly (readonly string[])[];
  features: Record<string, readonly number[]>;
}

export type Decoder = 'greedy' | 'viterbi';

export const WEIGHTS_FILE = 'ner-weights.json';

/** A tagged word sequence's spans: first and last token index (inclusive) and type index. */
export interface TaggedSpan {
  first: number;
  last: number;
  /** B- tag index (1 PERSON, 3 LOCATION, 5 ORGANIZATION). */
  tag: number;
  /** Smallest margin of the span's tags over the best other tag (how sure the model was). */
  margin: number;
}

interface WordEntry {
  /** Summed weights of the word's features at each offset: OFFSETS rows of TAG_COUNT. */
  vec: Float32Array;
  shapeId: number;
  shape: string;
  /** The shape's transition scores (Viterbi decoding), looked up on first use. */
  transitions?: Float32Array;
}

/** A word feature's weights at each offset (OFFSETS rows of TAG_COUNT); [lo, hi) holds every
 * non-zero weight. */
interface WordRow {
  w: Float32Array;
  lo: number;
  hi: number;
}

const PAD = '\u0000<s>';

/**
 * A cache key that holds only its own characters. V8 makes a substring of 13 or more characters a
 * view into its parent string, so a word sliced out of a request and kept as a key would keep the
 * whole request text alive (and its PII in memory) for as long as the word stays cached: 12 MB
 * more heap over 6,000 bench prompts, about 2 KB per prompt (bench/retained-heap.ts).
 * Concatenating flattens into a fresh string; the slice is a view of that copy only.
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

const CACHE_LIMIT = 60_000;
/** Texts of up to this many words reuse the Viterbi work arrays (see scratchFor). */
const SCRATCH_LIMIT = 1 << 16;

export class NerModel {
  readonly ruleFeatures: boolean;
  readonly decoder: Decoder;
  /** Per shape: first-order transition scores, TAG_COUNT rows (previous tag) of TAG_COUNT;
   * -Infinity where the BIO scheme forbids the transition. */
  private readonly transitions = new Map<number, Float32Array>();
  private readonly weights = new Map<string, Float32Array>();
  /** Word features by their name without the offset: one row of TAG_COUNT per offset. */
  private readonly wordRows = new Map<string, WordRow>();
  private readonly gapsBefore = new Map<string, Float32Array>();
  private readonly gapsAfter = new Map<string, Float32Array>();
  private words = new Map<string, WordEntry>();
  private oldWords = new Map<string, WordEntry>();
  private readonly positions = new Map<number, Float32Array>();
  private readonly histories = new Map<number, Float32Array>();
  private readonly shapes: string[] = [];
  private readonly shapeIds = new Map<string, number>();
  private readonly pad: WordEntry;
  private readonly classes?: WordClasses;
  private scratch = {
    em: new Float32Array(0),
    back: new Uint8Array(0),
    path: new Uint8Array(0),
  };
  private readonly delta = new Float64Array(TAG_COUNT);
  private readonly next = new Float64Array(TAG_COUNT);

  constructor(
    file: NerWeightsFile,
    private readonly g: Gazetteers,
  ) {
    if (file.version !== 1 || file.tags.join() !== TAGS.join()) {
      throw new Error('named-entity weights do not match this model version');
    }
    this.ruleFeatures = file.ruleFeatures;
    this.decoder = file.decoder ?? 'greedy';
    if (file.classes) {
      const classes = new Map<string, number>();
      file.classes.forEach((words, i) => {
        for (const w of words) classes.set(w, i);
      });
      this.classes = classes;
    }
    for (const [name, pairs] of Object.entries(file.features)) {
      // Word features are named "<offset><feature>" (offsetFeatures); the rest start with a letter.
      const offset = /^-?[0-9]/.exec(name)
        ? name[0] === '-'
          ? -Number(name[1])
          : Number(name[0])
        : NaN;
      let row: Float32Array;
      let base = 0;
      if (Number.isNaN(offset)) {
        row = new Float32Array(TAG_COUNT);
        this.weights.set(name, row);
      } else {
        const key = name.slice(offset < 0 ? 2 : 1);
        let entry = this.wordRows.get(key);
        if (!entry) {
          entry = { w: new Float32Array(OFFSETS * TAG_COUNT), lo: 0, hi: 0 };
          this.wordRows.set(key, entry);
        }
        row = entry.w;
        base = (offset + WINDOW) * TAG_COUNT;
      }
      for (let i = 0; i + 1 < pairs.length; i += 2)
        row[base + pairs[i]] = pairs[i + 1] / file.scale;
    }
    // Most word features have weights at one offset only (the word's own prefixes, suffixes,
    // length): makeWord adds just the part of the row that holds weights.
    for (const entry of this.wordRows.values()) {
      const w = entry.w;
      let lo = 0;
      while (lo < w.length && w[lo] === 0) lo++;
      let hi = w.length;
      while (hi > lo && w[hi - 1] === 0) hi--;
      entry.lo = lo;
      entry.hi = hi;
    }
    this.pad = this.makeWord(PAD);
  }

  /** Reads the committed weights (next to this file in src/ and, after the build, in dist/). */
  static load(g: Gazetteers, path = defaultWeightsPath()): NerModel {
    return new NerModel(JSON.parse(readFileSync(path, 'utf8')) as NerWeightsFile, g);
  }

  /**
   * Tags the words; `rules` holds the rule recognizer's verdict per word (RULE_VALUES) when the
   * model was trained with it. Returns the spans.
   */
  tag(tokens: readonly Token[], rules?: Uint8Array): TaggedSpan[] {
    if (this.decoder === 'viterbi') return this.viterbi(tokens, rules);
    const n = tokens.length;
    const spans: TaggedSpan[] = [];
    if (n === 0) return spans;
    const entries: WordEntry[] = new Array<WordEntry>(n);
    for (let i = 0; i < n; i++) entries[i] = this.word(tokens[i].text);
    const scores = new Float32Array(TAG_COUNT);
    let t1 = 0;
    let t2 = 0;
    let open: TaggedSpan | undefined;
    for (let i = 0; i < n; i++) {
      scores.fill(0);
      for (let k = -WINDOW; k <= WINDOW; k++) {
        const e = i + k >= 0 && i + k < n ? entries[i + k] : this.pad;
        const base = (k + WINDOW) * TAG_COUNT;
        const vec = e.vec;
        for (let t = 0; t < TAG_COUNT; t++) scores[t] += vec[base + t];
      }
      const token = tokens[i];
      addInto(scores, this.gap(this.gapsBefore, 'gb=', token.gapBefore));
      addInto(scores, this.gap(this.gapsAfter, 'ga=', i + 1 < n ? tokens[i + 1].gapBefore : '\n'));
      const shapeId = entries[i].shapeId;
      addInto(scores, this.position(tokens, i, shapeId, rules));
      addInto(scores, this.history(t1, t2, shapeId));
      let best = -1;
      let bestScore = -Infinity;
      let second = -Infinity;
      for (let t = 0; t < TAG_COUNT; t++) {
        if (!allowed(t1, t)) continue;
        const s = scores[t];
        if (s > bestScore) {
          second = bestScore;
          bestScore = s;
          best = t;
        } else if (s > second) second = s;
      }
      const margin = bestScore - second;
      if (best === 0 || best % 2 === 1) {
        if (open) spans.push(open);
        open = best === 0 ? undefined : { first: i, last: i, tag: best, margin };
      } else if (open) {
        open.last = i;
        open.margin = Math.min(open.margin, margin);
      }
      t2 = t1;
      t1 = best;
    }
    if (open) spans.push(open);
    return spans;
  }

  /**
   * The best tag sequence under first-order transitions (t1 and t1|shape weights; the greedy
   * decoder's two-back feature is not used). Each word's own scores are summed once, as in
   * greedy decoding; the search adds TAG_COUNT² steps per word.
   */
  private viterbi(tokens: readonly Token[], rules?: Uint8Array): TaggedSpan[] {
    const n = tokens.length;
    const spans: TaggedSpan[] = [];
    if (n === 0) return spans;
    const T = TAG_COUNT;
    const entries: WordEntry[] = new Array<WordEntry>(n);
    for (let i = 0; i < n; i++) entries[i] = this.word(tokens[i].text);
    const { em, back, path } = this.scratchFor(n);
    let delta = this.delta;
    let next = this.next;
    // Emission scores per word and tag.
    em.fill(0, 0, n * T);
    for (let i = 0; i < n; i++) {
      const o = i * T;
      for (let k = -WINDOW; k <= WINDOW; k++) {
        const e = i + k >= 0 && i + k < n ? entries[i + k] : this.pad;
        const base = (k + WINDOW) * T;
        const vec = e.vec;
        for (let t = 0; t < T; t++) em[o + t] += vec[base + t];
      }
      const token = tokens[i];
      const gb = this.gap(this.gapsBefore, 'gb=', token.gapBefore);
      const ga = this.gap(this.gapsAfter, 'ga=', i + 1 < n ? tokens[i + 1].gapBefore : '\n');
      const pos = this.position(tokens, i, entries[i].shapeId, rules);
      for (let t = 0; t < T; t++) em[o + t] += gb[t] + ga[t] + pos[t];
    }
    // delta: best score of a path ending in each tag; back: its previous tag.
    {
      const tr = this.transitionsOf(entries[0]);
      for (let t = 0; t < T; t++) delta[t] = em[t] + tr[t];
    }
    for (let i = 1; i < n; i++) {
      const tr = this.transitionsOf(entries[i]);
      const o = i * T;
      for (let t = 0; t < T; t++) {
        let best = -Infinity;
        let arg = 0;
        for (let p = 0; p < T; p++) {
          const v = delta[p] + tr[p * T + t];
          if (v > best) {
            best = v;
            arg = p;
          }
        }
        next[t] = best + em[o + t];
        back[o + t] = arg;
      }
      const swap = delta;
      delta = next;
      next = swap;
    }
    let last = 0;
    for (let t = 1; t < T; t++) if (delta[t] > delta[last]) last = t;
    path[n - 1] = last;
    for (let i = n - 1; i > 0; i--) path[i - 1] = back[i * T + path[i]];
    let open: TaggedSpan | undefined;
    for (let i = 0; i < n; i++) {
      const tag = path[i];
      if (tag === 0) {
        if (open) spans.push(open);
        open = undefined;
        continue;
      }
      // How sure: this word's score of its tag over the best other allowed tag, given the
      // previous tag of the path.
      const prev = i > 0 ? path[i - 1] : 0;
      const tr = this.transitionsOf(entries[i]);
      const o = i * T;
      const own = em[o + tag] + tr[prev * T + tag];
      let second = -Infinity;
      for (let t = 0; t < T; t++) {
        if (t !== tag) second = Math.max(second, em[o + t] + tr[prev * T + t]);
      }
      const margin = own - second;
      if (tag % 2 === 1) {
        if (open) spans.push(open);
        open = { first: i, last: i, tag, margin };
      } else if (open) {
        open.last = i;
        open.margin = Math.min(open.margin, margin);
      }
    }
    if (open) spans.push(open);
    return spans;
  }

  /**
   * Viterbi's work arrays for n words, reused from call to call (a call allocated them afresh
   * before, which the garbage collector paid for on every short text). Texts of more than
   * SCRATCH_LIMIT words get arrays of their own, so one huge text does not pin its buffers.
   */
  private scratchFor(n: number): { em: Float32Array; back: Uint8Array; path: Uint8Array } {
    const T = TAG_COUNT;
    if (n > SCRATCH_LIMIT) {
      return { em: new Float32Array(n * T), back: new Uint8Array(n * T), path: new Uint8Array(n) };
    }
    if (this.scratch.path.length < n) {
      let size = 256;
      while (size < n) size *= 2;
      this.scratch = {
        em: new Float32Array(size * T),
        back: new Uint8Array(size * T),
        path: new Uint8Array(size),
      };
    }
    return this.scratch;
  }

  private transitionsOf(e: WordEntry): Float32Array {
    return (e.transitions ??= this.transition(e.shapeId));
  }

  private transition(shapeId: number): Float32Array {
    let v = this.transitions.get(shapeId);
    if (!v) {
      v = new Float32Array(TAG_COUNT * TAG_COUNT);
      const shape = this.shapes[shapeId];
      for (let p = 0; p < TAG_COUNT; p++) {
        this.sum(v, p * TAG_COUNT, transitionFeatures(p, shape));
        // A transition the BIO scheme forbids never wins.
        for (let t = 0; t < TAG_COUNT; t++) if (!allowed(p, t)) v[p * TAG_COUNT + t] = -Infinity;
      }
      this.transitions.set(shapeId, v);
    }
    return v;
  }

  /** Two generations: when the young one fills up it becomes the old one, so words in use
   * survive the turnover and memory stays bounded (about 2 × CACHE_LIMIT words). */
  private word(text: string): WordEntry {
    let e = this.words.get(text);
    if (e) return e;
    e = this.oldWords.get(text) ?? this.makeWord(text);
    if (this.words.size >= CACHE_LIMIT) {
      this.oldWords = this.words;
      this.words = new Map();
    }
    this.words.set(ownCopy(text), e);
    return e;
  }

  private makeWord(text: string): WordEntry {
    const [own, any] = text === PAD ? [[], ['w=<s>']] : wordFeatures(text, this.g, this.classes);
    // Row k: this word standing k words from the tagged one. A feature of `own` has weights
    // at offset 0 only, so adding whole rows is the same as adding offsetFeatures(own, any, k).
    const vec = new Float32Array(OFFSETS * TAG_COUNT);
    for (const list of [own, any]) {
      for (const f of list) {
        const row = this.wordRows.get(f);
        if (!row) continue;
        const w = row.w;
        for (let j = row.lo; j < row.hi; j++) vec[j] += w[j];
      }
    }
    const shape = text === PAD ? '<s>' : shapeOf(text);
    let shapeId = this.shapeIds.get(shape);
    if (shapeId === undefined) {
      shapeId = this.shapes.length;
      this.shapes.push(shape);
      this.shapeIds.set(shape, shapeId);
    }
    return { vec, shapeId, shape };
  }

  private gap(cache: Map<string, Float32Array>, prefix: string, gap: string): Float32Array {
    let v = cache.get(gap);
    if (!v) {
      v = new Float32Array(TAG_COUNT);
      this.sum(v, 0, [`${prefix}${gapSignature(gap)}`]);
      if (cache.size > CACHE_LIMIT) cache.clear();
      cache.set(ownCopy(gap), v);
    }
    return v;
  }

  private position(
    tokens: readonly Token[],
    i: number,
    shapeId: number,
    rules: Uint8Array | undefined,
  ): Float32Array {
    const t = tokens[i];
    const r = rules && this.ruleFeatures;
    const a = r && i > 0 ? rules[i - 1] : 0;
    const b = r ? rules[i] : 0;
    const c = r && i + 1 < tokens.length ? rules[i + 1] : 0;
    const key =
      (t.sentenceStart ? 1 : 0) |
      (t.capsLine ? 2 : 0) |
      (t.possessive ? 4 : 0) |
      (i === 0 ? 8 : 0) |
      (r ? 16 : 0) |
      (a << 5) |
      (b << 10) |
      ((c << 15) + shapeId * 2 ** 20);
    let v = this.positions.get(key);
    if (!v) {
      v = new Float32Array(TAG_COUNT);
      const facts = {
        sentenceStart: t.sentenceStart,
        capsLine: t.capsLine,
        possessive: t.possessive,
        first: i === 0,
        rules: r ? ([a, b, c] as const) : undefined,
      };
      this.sum(v, 0, positionFeatures(facts, this.shapes[shapeId]));
      this.positions.set(key, v);
    }
    return v;
  }

  private history(t1: number, t2: number, shapeId: number): Float32Array {
    const key = t1 + TAG_COUNT * t2 + TAG_COUNT * TAG_COUNT * shapeId;
    let v = this.histories.get(key);
    if (!v) {
      v = new Float32Array(TAG_COUNT);
      this.sum(v, 0, historyFeatures(t1, t2, this.shapes[shapeId]));
      this.histories.set(key, v);
    }
    return v;
  }

  private sum(into: Float32Array, base: number, features: readonly string[]): void {
    for (const f of features) {
      const row = this.weights.get(f);
      if (!row) continue;
      for (let t = 0; t < TAG_COUNT; t++) into[base + t] += row[t];
    }
  }
}

function addInto(into: Float32Array, v: Float32Array): void {
  for (let t = 0; t < TAG_COUNT; t++) into[t] += v[t];
}

/** Next to this module in src/; dist/ gets a copy from the build. */
export function defaultWeightsPath(): string {
  const here = join(__dirname, WEIGHTS_FILE);
  if (existsSync(here)) return here;
  return join(
    __dirname,
    '..',
    '..',
    '..',
    '..',
    '..',
    'src',
    'detection',
    'nlp',
    'model',
    WEIGHTS_FILE,
  );
}
