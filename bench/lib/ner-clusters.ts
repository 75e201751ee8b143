/**
 * Word classes learned from the training text alone, for the named-entity model's `cl=` feature:
 * the exchange algorithm (Kneser & Ney 1993; Martin, Liermann & Ney 1998) over lower-cased word
 * bigrams. Each word is moved in turn to the class that most raises the likelihood of a class
 * bigram model of the text; words that stand in the same contexts ("in _ ,", "_ said") end up
 * together, so a name seen once in training shares a feature with the names seen often.
 *
 * Deterministic: words are visited by frequency (ties by spelling), classes start as frequency
 * rank modulo the class count, and the same text gives the same classes. Nothing is downloaded;
 * cross-validation computes the classes from the training folds only.
 */
import { wordsOf } from '../../src/detection/nlp/named-entity-recognizer';

export interface ClusterOptions {
  /** Number of classes. */
  classes: number;
  /** Passes over the vocabulary. */
  iterations: number;
  /** Words seen fewer times are left out of the lexicon (they still count as context). */
  minCount: number;
}

export const CLUSTER_DEFAULTS: ClusterOptions = { classes: 128, iterations: 8, minCount: 2 };

const xlogx = (n: number): number => (n > 0 ? n * Math.log(n) : 0);

/** Classes of the words of `texts`: per class, its words (lower case), sorted. */
export function wordClusters(texts: readonly string[], opts: ClusterOptions): string[][] {
  const C = opts.classes;
  // Vocabulary, with a boundary token (index 0) between texts.
  const index = new Map<string, number>([['\u0000', 0]]);
  const seq: number[] = [0];
  for (const text of texts) {
    for (const t of wordsOf(text)) {
      const w = t.lower;
      let id = index.get(w);
      if (id === undefined) {
        id = index.size;
        index.set(w, id);
      }
      seq.push(id);
    }
    seq.push(0);
  }
  const V0 = index.size;
  const spelling: string[] = new Array<string>(V0);
  for (const [w, id] of index) spelling[id] = w;
  const count = new Float64Array(V0);
  for (const id of seq) count[id]++;
  // Renumber by frequency (ties by spelling), so the visiting order does not depend on the
  // order of the texts beyond their counts.
  const byFreq = [...Array(V0).keys()].sort(
    (a, b) =>
      count[b] - count[a] || (spelling[a] < spelling[b] ? -1 : spelling[a] > spelling[b] ? 1 : 0),
  );
  const rank = new Int32Array(V0);
  byFreq.forEach((id, r) => (rank[id] = r));
  const V = V0;
  const cnt = new Float64Array(V);
  for (let id = 0; id < V0; id++) cnt[rank[id]] = count[id];
  // Bigram counts as sparse neighbour lists (both directions).
  const pairs = new Map<number, number>();
  for (let i = 1; i < seq.length; i++) {
    const key = rank[seq[i - 1]] * V + rank[seq[i]];
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  const rightN: number[][] = Array.from({ length: V }, () => []);
  const leftN: number[][] = Array.from({ length: V }, () => []);
  const self = new Float64Array(V);
  const sortedKeys = [...pairs.keys()].sort((a, b) => a - b);
  for (const key of sortedKeys) {
    const n = pairs.get(key) as number;
    const a = Math.floor(key / V);
    const b = key - a * V;
    if (a === b) {
      self[a] += n;
      continue;
    }
    rightN[a].push(b, n);
    leftN[b].push(a, n);
  }
  const cls = new Int32Array(V);
  for (let w = 0; w < V; w++) cls[w] = w % C;
  const big = new Float64Array(C * C);
  const uni = new Float64Array(C);
  for (let w = 0; w < V; w++) uni[cls[w]] += cnt[w];
  for (const key of sortedKeys) {
    const a = Math.floor(key / V);
    const b = key - a * V;
    big[cls[a] * C + cls[b]] += pairs.get(key) as number;
  }
  const R = new Float64Array(C);
  const L = new Float64Array(C);
  const touched: number[] = [];
  const mark = new Uint8Array(C);
  /** Adds a word's neighbour counts (pairs: neighbour, count) into `into` by class. */
  const gather = (pairs: number[], into: Float64Array): void => {
    for (let k = 0; k < pairs.length; k += 2) {
      const x = cls[pairs[k]];
      if (!mark[x]) {
        mark[x] = 1;
        touched.push(x);
      }
      into[x] += pairs[k + 1];
    }
  };
  for (let it = 0; it < opts.iterations; it++) {
    let moved = 0;
    // The boundary token (rank of index 0) keeps its class.
    for (let w = 0; w < V; w++) {
      if (byFreq[w] === 0) continue;
      // Class counts of w's right and left neighbours (w itself counted apart, in `self`).
      touched.length = 0;
      gather(rightN[w], R);
      gather(leftN[w], L);
      const c = cls[w];
      const s = self[w];
      // Take w out of c.
      for (const x of touched) {
        big[c * C + x] -= R[x];
        big[x * C + c] -= L[x];
      }
      big[c * C + c] -= s;
      uni[c] -= cnt[w];
      // Gain of putting w into each class d.
      let best = c;
      let bestGain = -Infinity;
      for (let d = 0; d < C; d++) {
        let gain = 0;
        for (const x of touched) {
          if (x === d) continue;
          const r = big[d * C + x];
          const l = big[x * C + d];
          gain += xlogx(r + R[x]) - xlogx(r) + xlogx(l + L[x]) - xlogx(l);
        }
        const dd = big[d * C + d];
        gain += xlogx(dd + R[d] + L[d] + s) - xlogx(dd);
        gain -= 2 * (xlogx(uni[d] + cnt[w]) - xlogx(uni[d]));
        if (gain > bestGain + 1e-9) {
          bestGain = gain;
          best = d;
        }
      }
      for (const x of touched) {
        big[best * C + x] += R[x];
        big[x * C + best] += L[x];
      }
      big[best * C + best] += s;
      uni[best] += cnt[w];
      if (best !== c) moved++;
      cls[w] = best;
      for (const x of touched) {
        R[x] = 0;
        L[x] = 0;
        mark[x] = 0;
      }
    }
    if (moved === 0) break;
  }
  const out: string[][] = Array.from({ length: C }, () => []);
  for (let id = 1; id < V0; id++) {
    if (count[id] < opts.minCount) continue;
    out[cls[rank[id]]].push(spelling[id]);
  }
  for (const words of out) words.sort();
  return out;
}
