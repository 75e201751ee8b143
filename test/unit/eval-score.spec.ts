import { isAtMention } from '../../bench/lib/eval-corpora';
import {
  mapPredictions,
  scoreDocuments,
  tokenCounts,
  type ScoreDocument,
  type ScoreSpan,
} from '../../bench/lib/eval-score';

/** Span of `value`'s first occurrence (or the nth) in `text`. */
function at(text: string, type: string, value: string, nth = 0): ScoreSpan {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(value, start + 1);
  if (start < 0) throw new Error(`${value} not in text`);
  return { type, start, end: start + value.length };
}

describe('corpus scorer (bench/lib/eval-score)', () => {
  const text = 'Dr. Ana Ruiz, Calle Mayor 12, 28013 Madrid. Tel 600 123 456.';
  const gold = [
    at(text, 'PERSON', 'Ana Ruiz'),
    at(text, 'STREET_ADDRESS', 'Calle Mayor 12'),
    at(text, 'ZIP_CODE', '28013'),
    at(text, 'LOCATION', 'Madrid'),
  ];
  const doc = (predicted: ScoreSpan[]): ScoreDocument => ({ text, gold, predicted });

  it('counts a partial overlap of the same type as found, and a type mismatch as both errors', () => {
    const s = scoreDocuments([
      doc([at(text, 'PERSON', 'Ruiz'), at(text, 'ORGANIZATION', 'Madrid')]),
    ]);
    expect(s.byType.get('PERSON')).toMatchObject({ goldMatched: 1, predMatched: 1, f1: 1 });
    expect(s.byType.get('LOCATION')).toMatchObject({ goldCount: 1, goldMatched: 0 });
    expect(s.byType.get('ORGANIZATION')).toMatchObject({ predCount: 1, predMatched: 0 });
    expect(s.micro).toMatchObject({ goldCount: 4, goldMatched: 1, predCount: 2, predMatched: 1 });
  });

  it('lets one predicted whole address count for the street, postcode and city inside it', () => {
    const whole = { type: 'STREET_ADDRESS', start: gold[1].start, end: gold[3].end };
    const s = scoreDocuments([doc([whole])]);
    expect(s.micro).toMatchObject({ goldMatched: 3, predCount: 1, predMatched: 1 });
    expect(s.byType.get('ZIP_CODE')?.recall).toBe(1);
    expect(s.byType.get('LOCATION')?.recall).toBe(1);
    expect(s.byType.get('PERSON')?.recall).toBe(0);
  });

  it('does not let a city prediction find a street gold span, nor count it as wrong inside one', () => {
    const inside = at(text, 'LOCATION', 'Mayor');
    const s = scoreDocuments([doc([inside])]);
    expect(s.byType.get('STREET_ADDRESS')).toMatchObject({ goldMatched: 0 });
    expect(s.micro.predCount).toBe(0);
  });

  it('lets one PERSON prediction over two adjacent gold names find both', () => {
    const t = 'Ann and Bob Lee came';
    const s = scoreDocuments([
      {
        text: t,
        gold: [at(t, 'PERSON', 'Ann'), at(t, 'PERSON', 'Bob Lee')],
        predicted: [at(t, 'PERSON', 'Ann and Bob Lee')],
      },
    ]);
    expect(s.micro).toMatchObject({ goldMatched: 2, predMatched: 1, f1: 1 });
  });

  it('does not let a PERSON prediction cover a LOCATION', () => {
    const s = scoreDocuments([doc([{ type: 'PERSON', start: 0, end: text.length }])]);
    expect(s.micro).toMatchObject({ goldMatched: 1, predMatched: 1 });
  });

  it('restricts typed scoring to the corpus types and maps engine types onto them', () => {
    const opts = {
      types: ['PERSON', 'LOCATION', 'ORGANIZATION'],
      typeMap: { STREET_ADDRESS: 'LOCATION' },
    };
    expect(
      mapPredictions(
        [
          at(text, 'URL', 'Tel'),
          at(text, 'STREET_ADDRESS', 'Calle Mayor 12'),
          at(text, 'PERSON', 'Ana'),
        ],
        opts,
      ).map((p) => p.type),
    ).toEqual(['LOCATION', 'PERSON']);
    const s = scoreDocuments(
      [
        doc([
          at(text, 'PHONE_NUMBER', '600 123 456'),
          at(text, 'STREET_ADDRESS', 'Madrid'),
          at(text, 'PERSON', 'Ana Ruiz'),
        ]),
      ],
      opts,
    );
    // Gold ZIP_CODE and STREET_ADDRESS are outside the corpus types; the phone is not scored.
    expect(s.micro).toMatchObject({ goldCount: 2, goldMatched: 2, predCount: 2, predMatched: 2 });
  });

  it('computes token-level any-PII precision, recall and F2 ignoring types', () => {
    // Tokens: Dr Ana Ruiz Calle Mayor 12 28013 Madrid Tel 600 123 456 → 12; gold covers 7.
    expect(tokenCounts(text, gold, [])).toEqual({ gold: 7, pred: 0, both: 0 });
    const predicted = [
      at(text, 'ORGANIZATION', 'Ana Ruiz'),
      at(text, 'PHONE_NUMBER', '600 123 456'),
    ];
    expect(tokenCounts(text, gold, predicted)).toEqual({ gold: 7, pred: 5, both: 2 });
    const s = scoreDocuments([doc(predicted)]);
    expect(s.tokens.precision).toBeCloseTo(2 / 5);
    expect(s.tokens.recall).toBeCloseTo(2 / 7);
    const p = 2 / 5;
    const r = 2 / 7;
    expect(s.tokens.f2).toBeCloseTo((5 * p * r) / (4 * p + r));
  });

  it('sums counts over documents (micro), and reports FN and FP for listings', () => {
    const t = 'Bob met Eve';
    const s = scoreDocuments([
      doc([at(text, 'PERSON', 'Ana')]),
      { text: t, gold: [at(t, 'PERSON', 'Eve')], predicted: [at(t, 'PERSON', 'Bob')] },
    ]);
    expect(s.micro).toMatchObject({ goldCount: 5, goldMatched: 1, predCount: 2, predMatched: 1 });
    expect(s.errors.filter((e) => e.kind === 'FP')).toEqual([
      { docIndex: 1, kind: 'FP', span: at(t, 'PERSON', 'Bob') },
    ]);
  });

  it('scores an empty set as perfect and a set with only false positives as zero', () => {
    expect(scoreDocuments([]).micro.f1).toBe(1);
    const s = scoreDocuments([
      { text: 'x y', gold: [], predicted: [{ type: 'PERSON', start: 0, end: 1 }] },
    ]);
    expect(s.micro).toMatchObject({ precision: 0, f1: 0 });
  });

  it('recognises btc @-mention spans with or without the @', () => {
    const t = 'hi @bob and @ ann';
    expect(isAtMention(t, at(t, 'PERSON', '@bob'))).toBe(true);
    expect(isAtMention(t, at(t, 'PERSON', 'bob'))).toBe(true);
    expect(isAtMention(t, at(t, 'PERSON', 'ann'))).toBe(false);
  });
});
