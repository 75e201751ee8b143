/**
 * Throughput of this engine against another build of it, in one process, alternating passes
 * (best of 5, warm, one thread), so machine drift falls on both alike.
 * Run: npm run build && node dist/bench/detection-compare.js <other repo with dist/ built>
 * Uses the development corpora (--corpora PATH / EVAL_CORPORA / ../shared/corpora), ~1 KB prompts
 * from the generated set, and 100-character texts for per-call overhead.
 */

import { join, resolve } from 'node:path';
import { DetectionEngine } from '../src/detection';
import { availableCorpora, corporaRoot, loadCorpus } from './lib/eval-corpora';
import { loadDataset } from './lib/eval-dataset';

interface Engine {
  detect(text: string): unknown[];
}

function main(): void {
  const other = process.argv[2];
  if (!other) throw new Error('usage: detection-compare.js <other repo>');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(resolve(other), 'dist', 'src', 'detection')) as {
    DetectionEngine: new () => Engine;
  };
  const engines: Record<string, Engine> = {
    base: new mod.DetectionEngine(),
    new: new DetectionEngine(),
  };
  const sets: [string, string[]][] = [];
  const root = corporaRoot();
  const seen = new Set<string>();
  for (const c of availableCorpora(root)) {
    if (seen.has(c.folder)) continue;
    seen.add(c.folder);
    sets.push([c.folder, loadCorpus(root, c.folder).map((r) => r.text)]);
  }
  const gen = loadDataset().map((r) => r.text);
  const prompts: string[] = [];
  let cur = '';
  for (const t of gen) {
    cur = cur ? `${cur}\n\n${t}` : t;
    if (cur.length >= 1024) {
      prompts.push(cur.slice(0, 1024));
      cur = '';
    }
  }
  sets.push(['prompts1k', prompts]);
  sets.push([
    '100char',
    gen
      .filter((t) => t.length >= 80)
      .map((t) => t.slice(0, 100))
      .slice(0, 500),
  ]);
  for (const [name, texts] of sets) {
    const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const best: Record<string, number> = { base: Infinity, new: Infinity };
    for (const e of Object.values(engines)) for (const t of texts) e.detect(t);
    for (let i = 0; i < 5; i++) {
      for (const [k, e] of Object.entries(engines)) {
        const s = process.hrtime.bigint();
        for (const t of texts) e.detect(t);
        best[k] = Math.min(best[k], Number(process.hrtime.bigint() - s) / 1e9);
      }
    }
    const show = (k: string) =>
      name === '100char'
        ? `${((best[k] / texts.length) * 1000).toFixed(3)} ms/call`
        : `${(bytes / 1048576 / best[k]).toFixed(2)} MB/s`;
    console.log(`${name.padEnd(10)} base ${show('base')}  new ${show('new')}`);
  }
}

if (require.main === module) main();
