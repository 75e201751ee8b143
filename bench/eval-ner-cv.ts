/**
 * Cross-validated scores of the named-entity model on the development corpora.
 *
 * Every corpus is cut into K contiguous folds (source order, so one article's sentences stay
 * together). For fold k a model is trained on the other folds of every corpus plus the generated
 * texts, and scores only fold k: no corpus is scored by a model that saw the same records.
 * Three engines are compared per corpus, PERSON / LOCATION / ORGANIZATION only, overlap matching:
 * - baseline: the detection engine with the rule NLP engine (the engine before the model);
 * - model: the sequence model alone (no rule features, no other recognizers);
 * - combined: the detection engine with the model NLP engine (rule features, all recognizers).
 *
 * Run: npm run eval:ner-cv  [-- --folds 5 --epochs 8 --markdown]
 * Development options (the folds stay the same): `--only combined` (or `model`) skips the other
 * trained column; `--decimals 3` prints more digits; `--decoder greedy|viterbi`, `--seed N`,
 * `--prune W` and `--synthetic N` (generated training texts) override the training defaults;
 * `--dump FILE` writes each record's combined predictions (with the pattern that made each) as
 * JSONL, for error analysis. Training experiments: `--classes N` learned word classes (computed
 * from each fold's training texts only), `--runs N` weights averaged over N shuffles,
 * `--word-dropout P`, `--rule-features 0` (the combined engine's model without rule tags).
 */
import { writeFileSync } from 'node:fs';
import { DetectionEngine } from '../src/detection';
import { gazetteers } from '../src/detection/nlp/gazetteers';
import { NerModel } from '../src/detection/nlp/model/ner-model';
import { ModelNlpEngine, RuleNlpEngine } from '../src/detection/nlp/nlp-engine';
import { PATTERN_RECOGNIZERS } from '../src/detection/recognizers';
import { CORPORA, foldOf, loadCorpus, NER_TYPES, type NerRecord } from './lib/ner-corpora';
import { emptyScores, micro, prf, scoreRecord, type Scores, type Span } from './lib/ner-score';
import { syntheticTexts } from './lib/ner-synthetic';
import { CLUSTER_DEFAULTS, wordClusters } from './lib/ner-clusters';
import { extract, toWeightsFile, train, withClasses, type LabelledText } from './lib/ner-train';
import { TRAIN_DEFAULTS } from './train-ner';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const folds = arg('folds', 5);
const epochs = arg('epochs', TRAIN_DEFAULTS.epochs);
/** `--seed N`: another shuffle and generated set, to see how much the scores move by chance. */
const seed = arg('seed', TRAIN_DEFAULTS.seed);
const markdown = process.argv.includes('--markdown');
const decoder = process.argv.includes('--decoder')
  ? (process.argv[process.argv.indexOf('--decoder') + 1] as 'greedy' | 'viterbi')
  : TRAIN_DEFAULTS.decoder;
const keepRuleScore = arg('keep-rules', TRAIN_DEFAULTS.keepRuleScore);
/** `--classes N`: learned word classes (0: none), computed from each fold's training texts. */
const classCount = arg('classes', TRAIN_DEFAULTS.classes);
/** `--rule-features 0`: the combined engine's model is trained without the rule tags as features
 * (the rules still fill in and replace spans). */
const ruleFeatures = arg('rule-features', 1) !== 0;
const excluded = new Set(
  process.argv.includes('--exclude-train')
    ? process.argv[process.argv.indexOf('--exclude-train') + 1].split(',')
    : [],
);
const only = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1]
  : undefined;
const dumpFile = process.argv.includes('--dump')
  ? process.argv[process.argv.indexOf('--dump') + 1]
  : undefined;
const dump: string[] = [];
/** `--repeat none` or `--repeat PERSON,ORGANIZATION`: the combined engine's repeated types. */
const repeatArg = process.argv.includes('--repeat')
  ? process.argv[process.argv.indexOf('--repeat') + 1]
  : undefined;
const repeatTypes =
  repeatArg === undefined ? undefined : new Set(repeatArg === 'none' ? [] : repeatArg.split(','));
const g = gazetteers();

const records: NerRecord[] = [];
const fold: number[] = [];
for (const corpus of CORPORA) {
  const rs = loadCorpus(corpus);
  rs.forEach((r, i) => {
    records.push(r);
    fold.push(foldOf(i, rs.length, folds));
  });
}
const synthetic = syntheticTexts(seed, arg('synthetic', 2500));
const texts: LabelledText[] = [...records, ...synthetic];
const syntheticIds = synthetic.map((_, i) => records.length + i);

type EngineName = 'baseline' | 'model' | 'combined';
const scores: Record<string, Record<EngineName, Scores>> = {};
for (const c of CORPORA)
  scores[c] = { baseline: emptyScores(), model: emptyScores(), combined: emptyScores() };
const nerOnly = <S extends Span>(spans: readonly S[]): S[] =>
  spans.filter((s) => (NER_TYPES as readonly string[]).includes(s.type));

const baseline = new DetectionEngine([...PATTERN_RECOGNIZERS, new RuleNlpEngine(g)]);
for (const r of records)
  scoreRecord(scores[r.corpus].baseline, r, nerOnly(baseline.detect(r.text)));

for (const useRules of [false, true]) {
  if (only && only !== (useRules ? 'combined' : 'model')) continue;
  const t0 = Date.now();
  const x = extract(texts, g, useRules && ruleFeatures);
  process.stderr.write(`extracted ${x.names.length} features (${Date.now() - t0} ms)\n`);
  for (let k = 0; k < folds; k++) {
    const t1 = Date.now();
    const trainIds = records
      .map((_, i) => i)
      .filter((i) => fold[i] !== k && !excluded.has(records[i].corpus));
    const ids = [...trainIds, ...syntheticIds];
    // Word classes from this fold's training texts only: the held-out fold is never read.
    const classes =
      classCount > 0
        ? wordClusters(
            ids.map((i) => texts[i].text),
            { ...CLUSTER_DEFAULTS, classes: classCount },
          )
        : undefined;
    const xk = classes ? withClasses(x, classes) : x;
    const avg = train(xk, ids, {
      ...TRAIN_DEFAULTS,
      epochs,
      decoder,
      seed,
      runs: arg('runs', TRAIN_DEFAULTS.runs),
      wordDropout: arg('word-dropout', TRAIN_DEFAULTS.wordDropout),
    });
    const model = new NerModel(
      toWeightsFile(
        xk,
        avg,
        useRules && ruleFeatures,
        arg('prune', TRAIN_DEFAULTS.prune),
        1000,
        decoder,
        classes,
      ),
      g,
    );
    const nlp = new ModelNlpEngine(
      model,
      g,
      useRules
        ? {
            keepRuleScore,
            ...(repeatTypes ? { repeatTypes } : {}),
            ...(process.argv.includes('--no-always-fill') ? { alwaysFill: new Set<string>() } : {}),
          }
        : { modelOnly: true },
    );
    const engine = new DetectionEngine([...PATTERN_RECOGNIZERS, nlp]);
    for (let i = 0; i < records.length; i++) {
      if (fold[i] !== k) continue;
      const r = records[i];
      if (useRules) {
        const found = nerOnly(engine.detect(r.text));
        scoreRecord(scores[r.corpus].combined, r, found);
        if (dumpFile) {
          const pred = found.map(({ type, start, end, explanation }) => ({
            type,
            start,
            end,
            pattern: explanation?.pattern,
          }));
          dump.push(JSON.stringify({ id: r.id, corpus: r.corpus, fold: k, pred }));
        }
      } else scoreRecord(scores[r.corpus].model, r, nlp.analyze(r.text));
    }
    process.stderr.write(`${useRules ? 'combined' : 'model'} fold ${k}: ${Date.now() - t1} ms\n`);
  }
}

if (dumpFile) writeFileSync(dumpFile, dump.join('\n') + '\n');

const decimals = arg('decimals', 2);
const f = (v: number): string => v.toFixed(decimals);
const cell = (s: Scores, t: string): string => {
  const o = prf(s[t].overlap);
  return `${f(o.p)} / ${f(o.r)} / **${f(o.f1)}**`;
};
const engines: EngineName[] = ['baseline', 'model', 'combined'];
if (markdown) {
  console.log('| corpus | type | baseline P / R / F1 | model alone (CV) | combined engine (CV) |');
  console.log('|---|---|---|---|---|');
} else console.log(['corpus', 'type', ...engines].join('\t'));
for (const c of CORPORA) {
  const rows: string[][] = NER_TYPES.map((t) => [
    c,
    t,
    ...engines.map((e) => cell(scores[c][e], t)),
  ]);
  rows.push([c, 'micro', ...engines.map((e) => `**${f(micro(scores[c][e], 'overlap').f1)}**`)]);
  rows.push([c, 'micro, exact', ...engines.map((e) => f(micro(scores[c][e], 'exact').f1))]);
  for (const row of rows)
    console.log(markdown ? `| ${row.join(' | ')} |` : row.join('\t').replace(/\*/g, ''));
}
