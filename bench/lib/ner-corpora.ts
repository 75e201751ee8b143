/**
 * The development corpora in ../shared/corpora (see its README) as PERSON / LOCATION /
 * ORGANIZATION records, for training and cross-validating the named-entity model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const NER_TYPES = ['PERSON', 'LOCATION', 'ORGANIZATION'] as const;
export type NerType = (typeof NER_TYPES)[number];

export interface GoldSpan {
  type: NerType;
  start: number;
  end: number;
}

export interface NerRecord {
  id: string;
  corpus: string;
  text: string;
  entities: GoldSpan[];
  /** Spans neither scored nor trained on (btc @-mentions: a handle is a USERNAME, not a name). */
  ignored: { start: number; end: number }[];
}

export const CORPORA = ['wnut17', 'btc', 'wikigold', 'ewt', 'meddocan'] as const;

export function corporaDir(): string {
  const candidates = [
    process.env.CORPORA_DIR,
    resolve(process.cwd(), '../shared/corpora'),
    '/work/shared/corpora',
  ].filter((d): d is string => Boolean(d));
  const found = candidates.find((d) => existsSync(join(d, 'README.md')));
  if (!found)
    throw new Error(`corpora not found (tried ${candidates.join(', ')}); set CORPORA_DIR`);
  return found;
}

interface RawRecord {
  id: string;
  text: string;
  entities: { type: string; start: number; end: number; value: string }[];
}

const TYPES = new Set<string>(NER_TYPES);

export function loadCorpus(corpus: string, dir = corporaDir()): NerRecord[] {
  const lines = readFileSync(join(dir, corpus, 'dev.jsonl'), 'utf8').split('\n');
  const out: NerRecord[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const raw = JSON.parse(line) as RawRecord;
    const entities: GoldSpan[] = [];
    const ignored: { start: number; end: number }[] = [];
    for (const e of raw.entities) {
      if (!TYPES.has(e.type)) continue;
      // BTC labels @-mentions by who owns the account; the engine reports handles separately.
      if (corpus === 'btc' && (e.value.startsWith('@') || raw.text[e.start - 1] === '@')) {
        ignored.push({ start: e.start, end: e.end });
        continue;
      }
      entities.push({ type: e.type as NerType, start: e.start, end: e.end });
    }
    out.push({ id: raw.id, corpus, text: raw.text, entities, ignored });
  }
  return out;
}

/** Fold of a record: contiguous blocks in source order, so neighbouring sentences of one article
 * or thread (which repeat the same names) land in the same fold. */
export function foldOf(index: number, count: number, folds: number): number {
  return Math.min(folds - 1, Math.floor((index * folds) / count));
}
