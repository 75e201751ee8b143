import { recoverSpans } from '../../bench/eval-compare-redact-pii';
import type { EvalRecord } from '../../bench/lib/eval-dataset';
import { evaluate, matchSpans, prf, type Span } from '../../bench/lib/eval-scoring';

const record = (text: string, entities: Array<[string, string]>): EvalRecord => ({
  id: 't1',
  genre: 'g',
  locale: 'hand',
  text,
  entities: entities.map(([type, value]) => {
    const start = text.indexOf(value);
    return { type, start, end: start + value.length, value };
  }),
});

describe('evaluation scoring', () => {
  const text = 'Ann Lee lives at 1 Main St, Boston, MA 02101 and uses ann@x.io';
  const gold = record(text, [
    ['PERSON', 'Ann Lee'],
    ['STREET_ADDRESS', '1 Main St, Boston, MA 02101'],
    ['EMAIL_ADDRESS', 'ann@x.io'],
  ]);
  const at = (type: string, value: string): Span => {
    const start = text.indexOf(value);
    return { type, start, end: start + value.length };
  };

  it('counts a span as exact only when type, start and end all agree', () => {
    const report = evaluate([gold], () => [at('PERSON', 'Ann'), at('EMAIL_ADDRESS', 'ann@x.io')]);
    expect(report.overall.exact).toEqual({ tp: 1, fp: 1, fn: 2 });
    expect(report.overall.overlap).toEqual({ tp: 2, fp: 0, fn: 1 });
  });

  it('never credits a prediction of the wrong type', () => {
    const report = evaluate([gold], () => [at('LOCATION', 'Ann Lee')]);
    expect(report.overall.overlap).toEqual({ tp: 0, fp: 1, fn: 3 });
  });

  it('matches one prediction to at most one gold span', () => {
    const g: Span[] = [
      { type: 'PERSON', start: 0, end: 3 },
      { type: 'PERSON', start: 4, end: 7 },
    ];
    expect(matchSpans(g, [{ type: 'PERSON', start: 0, end: 7 }], 'overlap')).toHaveLength(1);
    const report = evaluate(
      [
        record('Ann Lee', [
          ['PERSON', 'Ann'],
          ['PERSON', 'Lee'],
        ]),
      ],
      () => [{ type: 'PERSON', start: 0, end: 7 }],
    );
    expect(report.overall.overlap).toEqual({ tp: 1, fp: 0, fn: 1 });
  });

  it('ignores a city or ZIP reported inside a gold street address', () => {
    const report = evaluate([gold], () => [at('LOCATION', 'Boston'), at('ZIP_CODE', '02101')]);
    expect(report.overall.overlap).toEqual({ tp: 0, fp: 0, fn: 3 });
  });

  it('computes precision, recall and F1 from counts', () => {
    expect(prf({ tp: 8, fp: 2, fn: 8 })).toEqual({ precision: 0.8, recall: 0.5, f1: 8 / 13 });
    expect(prf({ tp: 0, fp: 0, fn: 0 })).toEqual({ precision: 1, recall: 1, f1: 1 });
  });
});

describe('redact-pii span recovery', () => {
  it('maps each label in the redacted text back to the characters it replaced', () => {
    const original = 'Hi John Smith, call 415-555-0134 or mail john@x.com.';
    const spans = recoverSpans(
      original,
      'Hi PERSON_NAME, call PHONE_NUMBER or mail EMAIL_ADDRESS.',
    );
    expect(spans.map((s) => [s.type, original.slice(s.start, s.end)])).toEqual([
      ['PERSON', 'John Smith'],
      ['PHONE_NUMBER', '415-555-0134'],
      ['EMAIL_ADDRESS', 'john@x.com'],
    ]);
  });

  it('trims the space its name pattern swallows', () => {
    const original = 'Thanks, Mary.';
    const [span] = recoverSpans(original, 'Thanks,PERSON_NAME.');
    expect(original.slice(span.start, span.end)).toBe('Mary');
  });
});
