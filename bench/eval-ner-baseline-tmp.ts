import { DetectionEngine } from '../src/detection';
import { CORPORA, loadCorpus, NER_TYPES } from './lib/ner-corpora';
import { emptyScores, micro, prf, scoreRecord } from './lib/ner-score';

const engine = new DetectionEngine();
for (const corpus of CORPORA) {
  const records = loadCorpus(corpus);
  const s = emptyScores();
  const t0 = Date.now();
  let chars = 0;
  for (const r of records) {
    chars += r.text.length;
    scoreRecord(s, r, engine.detect(r.text));
  }
  const ms = Date.now() - t0;
  const cells = NER_TYPES.map((t) => {
    const o = prf(s[t].overlap);
    return `${t.slice(0, 3)} ${o.p.toFixed(3)}/${o.r.toFixed(3)}/${o.f1.toFixed(3)}`;
  });
  const m = micro(s, 'overlap');
  const e = micro(s, 'exact');
  console.log(`${corpus}\t${cells.join('\t')}\tmicro ${m.f1.toFixed(3)} exact ${e.f1.toFixed(3)}\t${(chars / 1e6 / (ms / 1000)).toFixed(2)} MB/s`);
}
