/**
 * Runs the evaluation set through the npm package `redact-pii` (SyncRedactor, built-in patterns and
 * name lists, default options) and prints its scores beside ours.
 *
 * redact-pii returns redacted text, not spans. Its output is the input with some substrings
 * replaced by labels (PERSON_NAME, PHONE_NUMBER, ...), so the spans are recovered by aligning the
 * output with the input: every label stands for one non-empty run of the original.
 *
 * Run: npm run build && node dist/bench/eval-compare-redact-pii.js
 */
import { readFileSync } from 'node:fs';
import { SyncRedactor } from 'redact-pii';
import { DetectionEngine } from '../src/detection';
import { loadDataset, type EvalRecord } from './lib/eval-dataset';
import {
  evaluate,
  fmt,
  pad,
  prf,
  type Counts,
  type Predictor,
  type Span,
} from './lib/eval-scoring';

/** redact-pii label → our entity type. Labels without a counterpart keep a prefixed name. */
const LABEL_TO_TYPE: Record<string, string> = {
  CREDIT_CARD_NUMBER: 'CREDIT_CARD',
  STREET_ADDRESS: 'STREET_ADDRESS',
  ZIPCODE: 'ZIP_CODE',
  PHONE_NUMBER: 'PHONE_NUMBER',
  IP_ADDRESS: 'IP_ADDRESS',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  EMAIL_ADDRESS: 'EMAIL_ADDRESS',
  URL: 'URL',
  PERSON_NAME: 'PERSON',
  USERNAME: 'REDACT_PII_USERNAME',
  PASSWORD: 'REDACT_PII_PASSWORD',
  CREDENTIALS: 'REDACT_PII_CREDENTIALS',
  DIGITS: 'REDACT_PII_DIGITS',
};
const COMPARABLE = [
  ...new Set(Object.values(LABEL_TO_TYPE).filter((t) => !t.startsWith('REDACT_PII_'))),
];
const LABEL_RE = new RegExp(`(${Object.keys(LABEL_TO_TYPE).join('|')})`, 'g');

let alignmentFailures = 0;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Recovers redact-pii's spans: align its output with the input, one lazy group per label. */
export function recoverSpans(original: string, redacted: string): Span[] {
  const labels: string[] = [];
  let pattern = '^';
  let last = 0;
  for (const m of redacted.matchAll(LABEL_RE)) {
    pattern += escapeRe(redacted.slice(last, m.index)) + '([\\s\\S]+?)';
    labels.push(m[0]);
    last = m.index + m[0].length;
  }
  pattern += escapeRe(redacted.slice(last)) + '$';
  const aligned = new RegExp(pattern, 'd').exec(original);
  if (!aligned?.indices) {
    alignmentFailures++;
    return [];
  }
  const spans: Span[] = [];
  labels.forEach((label, i) => {
    const pair = aligned.indices?.[i + 1];
    if (!pair) return;
    const [start, end] = pair;
    // redact-pii's name pattern swallows the space before a name; trim so offsets are fair to it.
    const raw = original.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trail = raw.length - raw.trimEnd().length;
    if (end - trail > start + lead) {
      spans.push({ type: LABEL_TO_TYPE[label], start: start + lead, end: end - trail });
    }
  });
  return spans;
}

/** Character-level, type-agnostic: of the PII characters, how many were hidden, and vice versa. */
function charCoverage(records: readonly EvalRecord[], predict: Predictor): Counts {
  const counts: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const r of records) {
    const gold = new Uint8Array(r.text.length);
    const hidden = new Uint8Array(r.text.length);
    for (const g of r.entities) gold.fill(1, g.start, g.end);
    for (const p of predict(r.text)) hidden.fill(1, p.start, p.end);
    for (let i = 0; i < r.text.length; i++) {
      if (gold[i] && hidden[i]) counts.tp++;
      else if (hidden[i]) counts.fp++;
      else if (gold[i]) counts.fn++;
    }
  }
  return counts;
}

function restrict(records: readonly EvalRecord[], types: readonly string[]): EvalRecord[] {
  return records.map((r) => ({ ...r, entities: r.entities.filter((e) => types.includes(e.type)) }));
}

const onlyTypes =
  (predict: Predictor, types: readonly string[]): Predictor =>
  (text) =>
    predict(text).filter((s) => types.includes(s.type));

function prfCells(c: Counts): string {
  const s = prf(c);
  return [s.precision, s.recall, s.f1].map(fmt).join(' ');
}

function main(): void {
  const records = loadDataset();
  const engine = new DetectionEngine();
  const redactor = new SyncRedactor();
  const ours: Predictor = (text) => engine.detect(text);
  const theirs: Predictor = (text) => recoverSpans(text, redactor.redact(text));

  // Cache both systems' predictions so every view scores the same output, and time them.
  const time = (p: Predictor) => {
    const cache = new Map<string, Span[]>();
    const t0 = process.hrtime.bigint();
    for (const r of records) cache.set(r.text, p(r.text));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { predict: (text: string) => cache.get(text) ?? p(text), ms };
  };
  const a = time(ours);
  const b = time(theirs);

  const comparable = restrict(records, COMPARABLE);
  const ra = evaluate(comparable, onlyTypes(a.predict, COMPARABLE));
  const rb = evaluate(comparable, onlyTypes(b.predict, COMPARABLE));
  const kb = records.reduce((n, r) => n + r.text.length, 0) / 1024;

  console.log(
    `\nPII Vault DetectionEngine vs redact-pii ${redactPiiVersion()} on ${records.length} texts (${kb.toFixed(1)} KB)`,
  );
  console.log('types redact-pii can express; P R F1 per matching rule\n');
  console.log(
    pad('type', 16) +
      pad('gold', 6, true) +
      '   ' +
      pad('ours exact', 18) +
      '  ' +
      pad('redact-pii exact', 18) +
      '   ' +
      pad('ours overlap', 18) +
      '  ' +
      'redact-pii overlap',
  );
  const zero: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const type of COMPARABLE) {
    const gold =
      (ra.byType.overlap.get(type) ?? zero).tp + (ra.byType.overlap.get(type) ?? zero).fn;
    console.log(
      pad(type, 16) +
        pad(gold, 6, true) +
        '   ' +
        prfCells(ra.byType.exact.get(type) ?? zero) +
        '   ' +
        prfCells(rb.byType.exact.get(type) ?? zero) +
        '    ' +
        prfCells(ra.byType.overlap.get(type) ?? zero) +
        '   ' +
        prfCells(rb.byType.overlap.get(type) ?? zero),
    );
  }
  console.log(
    pad('OVERALL', 16) +
      pad(ra.overall.overlap.tp + ra.overall.overlap.fn, 6, true) +
      '   ' +
      prfCells(ra.overall.exact) +
      '   ' +
      prfCells(rb.overall.exact) +
      '    ' +
      prfCells(ra.overall.overlap) +
      '   ' +
      prfCells(rb.overall.overlap),
  );

  const inexpressible = new Map<string, number>();
  for (const r of records) {
    for (const g of r.entities) {
      if (!COMPARABLE.includes(g.type))
        inexpressible.set(g.type, (inexpressible.get(g.type) ?? 0) + 1);
    }
  }
  const missing = [...inexpressible.values()].reduce((x, y) => x + y, 0);
  console.log(
    `\nredact-pii has no label for ${missing} gold spans of ${inexpressible.size} types: ${[...inexpressible.keys()].join(', ')}`,
  );

  const fa = evaluate(records, a.predict);
  const fb = evaluate(records, b.predict);
  console.log(
    '\nall SPEC types (typed, redact-pii has no label for most; its DIGITS/USERNAME/... count as FP)',
  );
  console.log(
    `  ${pad('ours', 12)} exact ${prfCells(fa.overall.exact)}   overlap ${prfCells(fa.overall.overlap)}`,
  );
  console.log(
    `  ${pad('redact-pii', 12)} exact ${prfCells(fb.overall.exact)}   overlap ${prfCells(fb.overall.overlap)}`,
  );

  const ca = charCoverage(records, a.predict);
  const cb = charCoverage(records, b.predict);
  console.log(
    '\ntype-agnostic, per character (recall = share of PII characters hidden; precision = share of hidden characters that were PII)',
  );
  console.log(`  ${pad('ours', 12)} P R F1 ${prfCells(ca)}`);
  console.log(`  ${pad('redact-pii', 12)} P R F1 ${prfCells(cb)}`);

  console.log('\nper genre, overlap matching over all types (typed): F1 and false positives');
  for (const genre of [...fa.byGenre.overlap.keys()].sort()) {
    const x = fa.byGenre.overlap.get(genre) ?? zero;
    const y = fb.byGenre.overlap.get(genre) ?? zero;
    console.log(
      `  ${pad(genre, 16)} ours ${fmt(prf(x).f1)} (${pad(x.fp, 3, true)} FP)   redact-pii ${fmt(prf(y).f1)} (${pad(y.fp, 3, true)} FP)`,
    );
  }
  if (alignmentFailures > 0) {
    console.log(
      `\n(${alignmentFailures} redact-pii outputs could not be aligned; scored as no detections)`,
    );
  }
  console.log(
    `\ntime over the set: ours ${a.ms.toFixed(0)} ms, redact-pii ${b.ms.toFixed(0)} ms (incl. span recovery)`,
  );
}

function redactPiiVersion(): string {
  try {
    const manifest = readFileSync(require.resolve('redact-pii/package.json'), 'utf8');
    return (JSON.parse(manifest) as { version: string }).version;
  } catch {
    return '';
  }
}

if (require.main === module) main();
