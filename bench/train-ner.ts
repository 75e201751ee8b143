/**
 * Trains the shipped named-entity model on every development corpus (../shared/corpora) plus
 * the generated texts, seeded, and writes src/detection/nlp/model/ner-weights.json.
 * Cross-validated scores come from bench/eval-ner-cv.ts, not from this model.
 *
 * Run: npm run train:ner
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gazetteers } from '../src/detection/nlp/gazetteers';
import { KEEP_RULE_SCORE } from '../src/detection/nlp/nlp-engine';
import { WEIGHTS_FILE } from '../src/detection/nlp/model/ner-model';
import { CORPORA, loadCorpus } from './lib/ner-corpora';
import { syntheticTexts } from './lib/ner-synthetic';
import { CLUSTER_DEFAULTS, wordClusters } from './lib/ner-clusters';
import { extract, toWeightsFile, train, withClasses, type LabelledText } from './lib/ner-train';

export const TRAIN_DEFAULTS = {
  epochs: 12,
  seed: 20261205,
  minCount: 2,
  prune: 0.05,
  keepRuleScore: KEEP_RULE_SCORE,
  decoder: 'viterbi' as 'greedy' | 'viterbi',
  /** Update on pieces of 15 words or more rather than whole texts (cross-validated). */
  chunk: 15,
  /** Learned word classes (bench/lib/ner-clusters.ts) from the training texts; 0: none.
   * Cross-validated, 128 or 32 classes moved the corpora by less than a second seed does. */
  classes: 0,
  /** Training runs averaged (differently shuffled); 1: one. Three changed nothing (CV). */
  runs: 1,
  /** Word dropout in training (bench/lib/ner-train.ts); 0: none. 0.3 and 0.6 gained nothing
   * (CV). */
  wordDropout: 0,
};

function main(): void {
  const t0 = Date.now();
  const g = gazetteers();
  const texts: LabelledText[] = [
    ...CORPORA.flatMap((c) => loadCorpus(c)),
    ...syntheticTexts(TRAIN_DEFAULTS.seed),
  ];
  const classes =
    TRAIN_DEFAULTS.classes > 0
      ? wordClusters(
          texts.map((t) => t.text),
          { ...CLUSTER_DEFAULTS, classes: TRAIN_DEFAULTS.classes },
        )
      : undefined;
  const x0 = extract(texts, g, true);
  const x = classes ? withClasses(x0, classes) : x0;
  const avg = train(
    x,
    texts.map((_, i) => i),
    TRAIN_DEFAULTS,
  );
  const file = toWeightsFile(
    x,
    avg,
    true,
    TRAIN_DEFAULTS.prune,
    1000,
    TRAIN_DEFAULTS.decoder,
    classes,
  );
  const out = join(__dirname, '..', '..', 'src', 'detection', 'nlp', 'model', WEIGHTS_FILE);
  const json = JSON.stringify(file);
  writeFileSync(out, json + '\n');
  const kept = Object.keys(file.features).length;
  console.log(
    `trained on ${texts.length} texts in ${Date.now() - t0} ms: ${kept} of ${x.names.length} features kept, ` +
      `${(json.length / 1024 / 1024).toFixed(2)} MB -> ${out}`,
  );
}

if (require.main === module) main();
