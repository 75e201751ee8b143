/**
 * The labelled evaluation set: record shape, loading, and the inline markup used to author it.
 * Markup: `{{TYPE|value}}` marks a gold span; everything else is literal text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface GoldSpan {
  type: string;
  start: number;
  end: number;
  /** text.slice(start, end), stored so a reader (and the dataset test) can check the offsets. */
  value: string;
}

export interface EvalRecord {
  id: string;
  genre: string;
  /** Faker locale the values came from, or 'hand' for hand-written cases. */
  locale: string;
  text: string;
  entities: GoldSpan[];
}

export const DATASET_RELATIVE_PATH = join('test', 'fixtures', 'eval', 'dataset.jsonl');

/** Finds the repository root from the compiled (dist/bench/lib) or source (bench/lib) location. */
export function repoRoot(): string {
  let dir = resolve(__dirname);
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures', 'eval')))
      return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function datasetPath(): string {
  return join(repoRoot(), DATASET_RELATIVE_PATH);
}

export function loadDataset(path = datasetPath()): EvalRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EvalRecord);
}

const MARKUP = /\{\{([A-Z0-9_]+)\|([\s\S]*?)\}\}/g;

/** Turns `Call {{PERSON|Ann Lee}} now` into plain text plus exact UTF-16 gold spans. */
export function parseMarkup(marked: string): { text: string; entities: GoldSpan[] } {
  let text = '';
  let last = 0;
  const entities: GoldSpan[] = [];
  for (const m of marked.matchAll(MARKUP)) {
    text += marked.slice(last, m.index);
    const [, type, value] = m;
    if (value === '') throw new Error(`empty ${type} span in: ${marked}`);
    entities.push({ type, start: text.length, end: text.length + value.length, value });
    text += value;
    last = m.index + m[0].length;
  }
  text += marked.slice(last);
  if (text.includes('{{') || text.includes('}}')) throw new Error(`unbalanced markup: ${marked}`);
  return { text, entities };
}
