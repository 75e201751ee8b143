/**
 * The public development corpora in ../shared/corpora (one `<corpus>/dev.jsonl` each, same record
 * shape as the generated set) and how each one is scored: its own label set and the mapping from
 * the engine's types to it. See that folder's README for sources, licences and label mappings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EvalRecord } from './eval-dataset';
import { repoRoot } from './eval-dataset';
import type { ScoreOptions, ScoreSpan } from './eval-score';

const NER_TYPES = ['PERSON', 'LOCATION', 'ORGANIZATION'] as const;

/**
 * Engine type → corpus type for the three-type NER corpora. A street address is a place in these
 * corpora's guidelines (LOC), so it scores as LOCATION; every other engine type (URL, USERNAME,
 * DATE_TIME, ...) is something these corpora do not label and is dropped from typed scoring.
 */
export const NER_TYPE_MAP: Readonly<Record<string, string | null>> = {
  STREET_ADDRESS: 'LOCATION',
};

export interface CorpusSpec {
  name: string;
  /** Folder under the corpora root. */
  folder: string;
  options: ScoreOptions;
  /** Drops gold spans (and the predictions overlapping them) before scoring; see btc. */
  excludeGold?: (text: string, span: ScoreSpan) => boolean;
  note: string;
}

/** btc labels @-mentions by who owns the account; the engine reports them as USERNAME. */
export function isAtMention(text: string, span: ScoreSpan): boolean {
  return text[span.start] === '@' || text[span.start - 1] === '@';
}

export const CORPORA: readonly CorpusSpec[] = [
  {
    name: 'wikigold',
    folder: 'wikigold',
    options: { types: NER_TYPES, typeMap: NER_TYPE_MAP },
    note: 'Wikipedia sentences',
  },
  {
    name: 'ewt',
    folder: 'ewt',
    options: { types: NER_TYPES, typeMap: NER_TYPE_MAP },
    note: 'web answers, reviews, e-mails',
  },
  {
    name: 'wnut17',
    folder: 'wnut17',
    options: { types: NER_TYPES, typeMap: NER_TYPE_MAP },
    note: 'tweets, Reddit, YouTube',
  },
  {
    name: 'btc',
    folder: 'btc',
    options: { types: NER_TYPES, typeMap: NER_TYPE_MAP },
    note: 'tweets, @-mentions labelled as PERSON/ORG/LOC',
  },
  {
    name: 'btc-no-@',
    folder: 'btc',
    options: { types: NER_TYPES, typeMap: NER_TYPE_MAP },
    excludeGold: isAtMention,
    note: 'btc without @-mention gold spans and the predictions overlapping them',
  },
  {
    name: 'meddocan',
    folder: 'meddocan',
    options: {
      types: [
        'PERSON',
        'LOCATION',
        'ZIP_CODE',
        'STREET_ADDRESS',
        'ORGANIZATION',
        'DATE_TIME',
        'AGE',
        'EMAIL_ADDRESS',
        'PHONE_NUMBER',
      ],
    },
    note: 'Spanish clinical case reports',
  },
];

/** `--corpora PATH`, else EVAL_CORPORA, else ../shared/corpora beside the repository. */
export function corporaRoot(flag?: string): string {
  return resolve(flag ?? process.env.EVAL_CORPORA ?? join(repoRoot(), '..', 'shared', 'corpora'));
}

export function availableCorpora(root: string): CorpusSpec[] {
  if (!existsSync(root)) return [];
  const folders = new Set(readdirSync(root));
  return CORPORA.filter(
    (c) => folders.has(c.folder) && existsSync(join(root, c.folder, 'dev.jsonl')),
  );
}

const cache = new Map<string, EvalRecord[]>();

export function loadCorpus(root: string, folder: string): EvalRecord[] {
  const path = join(root, folder, 'dev.jsonl');
  let records = cache.get(path);
  if (!records) {
    records = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as EvalRecord);
    cache.set(path, records);
  }
  return records;
}
