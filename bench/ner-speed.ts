/**
 * What the named-entity model costs: start-up (gazetteers, weights) and warm throughput on one
 * core of the engine with the rule NLP engine (before) and the model NLP engine (now), on ~1 KB
 * prompts from the evaluation set, on the development corpora (entity-dense real text) and per
 * call on 100-character texts. The two engines alternate, best of `--passes` each.
 *
 * Run: npm run build && node dist/bench/ner-speed.js [--passes 5] [--compare WEIGHTS.json]
 * `--compare` adds a third engine, the model with other weights (e.g. an earlier commit's), in the
 * same alternation.
 */
import { DetectionEngine } from '../src/detection';
import { gazetteers } from '../src/detection/nlp/gazetteers';
import { NerModel } from '../src/detection/nlp/model/ner-model';
import { ModelNlpEngine, RuleNlpEngine } from '../src/detection/nlp/nlp-engine';
import { PATTERN_RECOGNIZERS } from '../src/detection/recognizers';
import { loadDataset } from './lib/eval-dataset';
import { CORPORA, loadCorpus } from './lib/ner-corpora';

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const i = process.argv.indexOf('--passes');
const passes = i >= 0 ? Number(process.argv[i + 1]) : 5;

let t = now();
const g = gazetteers();
const gazetteerMs = now() - t;
t = now();
const model = NerModel.load(g);
const loadMs = now() - t;
console.log(
  `start-up: gazetteers ${gazetteerMs.toFixed(0)} ms, model weights ${loadMs.toFixed(0)} ms`,
);

const engines: [string, DetectionEngine][] = [
  ['rules (before)', new DetectionEngine([...PATTERN_RECOGNIZERS, new RuleNlpEngine(g)])],
  ['model (now)', new DetectionEngine([...PATTERN_RECOGNIZERS, new ModelNlpEngine(model, g)])],
];
const c = process.argv.indexOf('--compare');
if (c >= 0) {
  const other = NerModel.load(g, process.argv[c + 1]);
  engines.push([
    `model (${process.argv[c + 1]})`,
    new DetectionEngine([...PATTERN_RECOGNIZERS, new ModelNlpEngine(other, g)]),
  ]);
}

function prompts(texts: readonly string[], size: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const x of texts) {
    cur = cur ? `${cur}\n\n${x}` : x;
    if (cur.length >= size) {
      out.push(cur.slice(0, size));
      cur = '';
    }
  }
  return out;
}

const sets: [string, string[]][] = [
  [
    '1 KB prompts (eval set)',
    prompts(
      loadDataset().map((r) => r.text),
      1024,
    ),
  ],
  [
    'dev corpora, ~1 KB chunks',
    prompts(
      CORPORA.flatMap((c) => loadCorpus(c).map((r) => r.text)),
      1024,
    ),
  ],
  [
    '100-char texts',
    prompts(
      loadDataset().map((r) => r.text),
      100,
    ).slice(0, 2000),
  ],
];

for (const [label, texts] of sets) {
  const bytes = texts.reduce((n, x) => n + Buffer.byteLength(x), 0);
  const best = new Map<string, number>();
  for (let p = 0; p < passes; p++) {
    for (const [name, engine] of engines) {
      const t0 = now();
      for (const x of texts) engine.detect(x);
      const ms = now() - t0;
      best.set(name, Math.min(best.get(name) ?? Infinity, ms));
    }
  }
  for (const [name] of engines) {
    const ms = best.get(name) as number;
    console.log(
      `${label.padEnd(28)} ${name.padEnd(16)} ${(bytes / 1048576 / (ms / 1000)).toFixed(2)} MB/s  ` +
        `${((ms / texts.length) * 1000).toFixed(0)} µs/text (${texts.length} texts, ${(bytes / 1048576).toFixed(2)} MB)`,
    );
  }
}
