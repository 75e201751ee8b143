import { PatternRecognizer } from '../../src/detection/recognizers/pattern-recognizer';
import { PATTERN_RECOGNIZERS } from '../../src/detection/recognizers';
import { loadDataset } from '../../bench/lib/eval-dataset';

/** Text around a match: a pre-filter may cover a lookbehind label or a lookahead phrase. */
const REACH_BEFORE = 100;
const REACH_AFTER = 40;

const texts = loadDataset().map((r) => r.text);
const patterns = PATTERN_RECOGNIZERS.filter((r) => r instanceof PatternRecognizer).flatMap((r) =>
  (r as PatternRecognizer).patterns
    .filter((p) => p.requires !== undefined)
    .map((p) => ({ name: `${r.name}.${p.name}`, pattern: p })),
);

describe('pattern pre-filters', () => {
  it.each(patterns)(
    '$name: every match of the evaluation set passes its pre-filter',
    ({ pattern }) => {
      const required = pattern.requires as string | RegExp;
      const holds = (s: string): boolean =>
        typeof required === 'string' ? s.includes(required) : required.test(s);
      let matches = 0;
      for (const text of texts) {
        for (const m of text.matchAll(pattern.regex)) {
          matches++;
          const around = text.slice(
            Math.max(0, m.index - REACH_BEFORE),
            m.index + m[0].length + REACH_AFTER,
          );
          expect([m[0], holds(around)]).toEqual([m[0], true]);
        }
      }
      expect(matches).toBeGreaterThanOrEqual(0);
    },
  );
});

/** Longest run of ASCII digits in s. */
function longestDigitRun(s: string): number {
  let longest = 0;
  for (const run of s.match(/\d+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

const digitPatterns = PATTERN_RECOGNIZERS.filter((r) => r instanceof PatternRecognizer).flatMap(
  (r) => {
    const recognizer = r as PatternRecognizer;
    return recognizer.patterns
      .map((p) => ({ name: `${r.name}.${p.name}`, pattern: p, min: recognizer.minDigitsOf(p) }))
      .filter((p) => p.min > 0);
  },
);

describe('pattern digit pre-filters (minDigits)', () => {
  it('covers the digit-only shapes', () => {
    expect(digitPatterns.length).toBeGreaterThan(50);
  });

  it.each(digitPatterns)(
    '$name: every match of the evaluation set holds a run of $min digits',
    ({ pattern, min }) => {
      for (const text of texts) {
        for (const m of text.matchAll(pattern.regex)) {
          const around = text.slice(
            Math.max(0, m.index - REACH_BEFORE),
            m.index + m[0].length + REACH_AFTER,
          );
          expect([m[0], longestDigitRun(around) >= min]).toEqual([m[0], true]);
        }
      }
    },
  );

  it('skips a pattern on texts whose longest digit run is shorter than its minDigits', () => {
    const recognizer = new PatternRecognizer({
      name: 'TestRecognizer',
      type: 'TEST',
      patterns: [{ name: 'ab', regex: /ab\d*/g, score: 0.5, minDigits: 2 }],
    });
    expect(recognizer.analyze('ab1 ab')).toEqual([]);
    expect(recognizer.analyze('ab 12').map((c) => [c.start, c.end])).toEqual([[0, 2]]);
    expect(recognizer.analyze('ab12').map((c) => [c.start, c.end])).toEqual([[0, 4]]);
  });
});
