import RE2 from 're2';
import { validateCustomPattern, validateCustomRecognizer } from './custom';
import { DetectionEngine } from './engine';
import { resolveOverlaps, specificity } from './overlap';
import type { Candidate } from './types';

const engine = new DetectionEngine();

function candidate(type: string, start: number, end: number, score: number): Candidate {
  return {
    type,
    start,
    end,
    score,
    recognizer: 'test',
    explanation: { pattern: 'test', baseScore: score },
  };
}

describe('DetectionEngine', () => {
  it('reports offsets as UTF-16 code units after emoji and accented characters', () => {
    const text = '👋🏽 Réné, café ☕ email: rené@exämple.com? no: rene@example.com, SSN 536-22-1234';
    for (const e of engine.detect(text)) expect(text.slice(e.start, e.end)).toBe(e.text);
    const email = engine.detect(text).find((e) => e.type === 'EMAIL_ADDRESS');
    expect(email?.start).toBe(text.indexOf('rene@example.com'));
    const ssn = engine.detect(text).find((e) => e.type === 'US_SSN');
    expect(ssn?.start).toBe(text.indexOf('536-22-1234'));
  });

  it('returns spans sorted by start that never overlap', () => {
    const text =
      'John Smith (john@example.com, https://example.com/u/john@example.com) paid 4111 1111 1111 1111 on 2024-01-15.';
    const found = engine.detect(text);
    for (let i = 1; i < found.length; i++)
      expect(found[i].start).toBeGreaterThanOrEqual(found[i - 1].end);
  });

  it('keeps a URL whole rather than letting the email inside it win', () => {
    const found = engine.detect('Profile: https://example.com/users?email=ann@example.com ok');
    expect(found.map((e) => [e.type, e.text])).toEqual([
      ['URL', 'https://example.com/users?email=ann@example.com'],
    ]);
  });

  it('keeps an address whole rather than reporting its city and ZIP apart', () => {
    const found = engine.detect('Mail it to 500 Oak Avenue, Springfield, IL 62704 please.');
    expect(found.map((e) => e.type)).toEqual(['STREET_ADDRESS']);
  });

  it('does not report a date embedded in an order id', () => {
    expect(
      engine.detect('Order INV-2023-01-15-7781 shipped').filter((e) => e.type === 'DATE_TIME'),
    ).toEqual([]);
  });

  it('raises the score of a match with a context word and records the word', () => {
    const [plain] = engine
      .detect('number 536 22 1234', { minScore: 0 })
      .filter((e) => e.type === 'US_SSN');
    const [labelled] = engine
      .detect('SSN 536 22 1234', { minScore: 0 })
      .filter((e) => e.type === 'US_SSN');
    expect(labelled.score).toBeGreaterThan(plain.score);
    expect(labelled.explanation?.contextWords).toContain('ssn');
  });

  it('restricts results to the requested entity types', () => {
    const found = engine.detect('Ann Lee, ann@example.com, 536-22-1234', {
      entities: ['EMAIL_ADDRESS'],
    });
    expect(found.map((e) => e.type)).toEqual(['EMAIL_ADDRESS']);
  });

  it('drops spans under minScore', () => {
    const text = 'Line 415 555 0132';
    expect(
      engine.detect(text, { minScore: 0.99 }).filter((e) => e.type === 'PHONE_NUMBER'),
    ).toEqual([]);
    expect(
      engine.detect(text, { minScore: 0.1 }).filter((e) => e.type === 'PHONE_NUMBER'),
    ).toHaveLength(1);
  });

  it('never reports a value on the allow list, whatever its type', () => {
    const found = engine.detect('Write to support@example.com or ann@example.com', {
      allowList: ['SUPPORT@example.com'],
    });
    expect(found.map((e) => e.text)).toEqual(['ann@example.com']);
  });

  it('always reports a deny-list term, as DENY_LIST unless a recognizer typed it', () => {
    // "Project Bluebird" would be typed: the named-entity model reads it as an organisation.
    const found = engine.detect('The bluebird build ships to ann@example.com', {
      denyList: ['bluebird', 'ann@example.com'],
    });
    expect(found.map((e) => [e.type, e.text, e.score])).toEqual([
      ['DENY_LIST', 'bluebird', 1],
      ['EMAIL_ADDRESS', 'ann@example.com', 1],
    ]);
  });

  it('runs custom recognizers with their score and context words', () => {
    const custom = [
      { type: 'EMPLOYEE_ID', pattern: '\\bEMP-\\d{6}\\b', score: 0.5, context: ['employee'] },
    ];
    const found = engine.detect(
      'employee EMP-123456 and EMP-654321 later in a long sentence far away',
      { customRecognizers: custom },
    );
    const ids = found.filter((e) => e.type === 'EMPLOYEE_ID');
    expect(ids.map((e) => e.text)).toEqual(['EMP-123456', 'EMP-654321']);
    expect(ids[0].score).toBeGreaterThan(ids[1].score);
  });

  it('skips an invalid custom recognizer instead of failing the request', () => {
    const custom = [{ type: 'BAD', pattern: '(a)\\1', score: 0.9 }];
    expect(() => engine.detect('aa', { customRecognizers: custom })).not.toThrow();
  });

  it('gives the same answer to interleaved calls (no shared state between calls)', () => {
    const a = 'SSN 536-22-1234 and card 4111 1111 1111 1111';
    const b = 'Email ann@example.com from 10.0.0.1';
    const first = engine.detect(a);
    engine.detect(b);
    expect(engine.detect(a)).toEqual(first);
  });
});

describe('validateCustomPattern', () => {
  it.each([
    ['\\bEMP-\\d{6}\\b', null],
    ['(a)\\1', 'backreference'],
    ['(?<=x)y', 'lookbehind'],
    ['a*', 'empty'],
    ['', 'empty pattern'],
  ])('judges %p (%s)', (pattern, why) => {
    const error = validateCustomPattern(pattern);
    if (why === null) expect(error).toBeNull();
    else expect(error).toEqual(expect.any(String));
  });

  it('accepts only patterns RE2 can run in linear time', () => {
    expect(() => new RE2('(x+x+)+y')).not.toThrow();
    expect(validateCustomPattern('(x+x+)+y')).toBeNull();
  });

  it('rejects custom types that are not UPPER_SNAKE and scores outside [0, 1]', () => {
    expect(validateCustomRecognizer({ type: 'employee id', pattern: 'x\\d', score: 0.5 })).toEqual(
      expect.any(String),
    );
    expect(validateCustomRecognizer({ type: 'EMPLOYEE_ID', pattern: 'x\\d', score: 1.5 })).toEqual(
      expect.any(String),
    );
    expect(
      validateCustomRecognizer({ type: 'EMPLOYEE_ID', pattern: 'x\\d', score: 0.5 }),
    ).toBeNull();
  });
});

describe('resolveOverlaps', () => {
  it('keeps the higher score when two spans cross', () => {
    const winners = resolveOverlaps([
      candidate('PHONE_NUMBER', 0, 10, 0.6),
      candidate('US_BANK_NUMBER', 5, 15, 0.8),
    ]);
    expect(winners.map((w) => w.type)).toEqual(['US_BANK_NUMBER']);
  });

  it('breaks a score tie by specificity, then by length', () => {
    expect(
      resolveOverlaps([candidate('US_BANK_NUMBER', 0, 9, 0.7), candidate('US_SSN', 0, 9, 0.7)])[0]
        .type,
    ).toBe('US_SSN');
    expect(
      resolveOverlaps([candidate('X_ID', 0, 5, 0.7), candidate('X_ID', 0, 9, 0.7)])[0].end,
    ).toBe(9);
  });

  it('lets a confident container replace the smaller spans inside it', () => {
    const winners = resolveOverlaps([
      candidate('EMAIL_ADDRESS', 10, 20, 1),
      candidate('DATE_TIME', 22, 30, 0.9),
      candidate('URL', 0, 40, 0.85),
    ]);
    expect(winners.map((w) => w.type)).toEqual(['URL']);
  });

  it('does not let a weak container swallow a confident span', () => {
    const winners = resolveOverlaps([
      candidate('EMAIL_ADDRESS', 10, 20, 1),
      candidate('URL', 0, 40, 0.3),
    ]);
    expect(winners.map((w) => w.type)).toEqual(['EMAIL_ADDRESS']);
  });

  it('never lets a container swallow a deny-list term', () => {
    const winners = resolveOverlaps([
      candidate('DENY_LIST', 10, 20, 1),
      candidate('EMAIL_ADDRESS', 25, 30, 1),
      candidate('URL', 0, 40, 0.85),
    ]);
    expect(winners.map((w) => w.type)).toEqual(['DENY_LIST', 'EMAIL_ADDRESS']);
  });

  it('decides like the plain best-first greedy on random crowded and sparse spans', () => {
    // The rule as first written: take candidates best first, keep one unless it overlaps a
    // winner, or replace the winners it overlaps when it confidently contains them all.
    const greedy = (candidates: Candidate[]): Candidate[] => {
      const ordered = [...candidates].sort(
        (a, b) =>
          b.score - a.score ||
          specificity(b.type) - specificity(a.type) ||
          b.end - b.start - (a.end - a.start) ||
          a.start - b.start,
      );
      let winners: Candidate[] = [];
      for (const c of ordered) {
        const clashing = winners.filter((w) => w.start < c.end && c.start < w.end);
        const contained = (w: Candidate): boolean =>
          c.start <= w.start && w.end <= c.end && c.end - c.start > w.end - w.start;
        if (clashing.length === 0) winners.push(c);
        else if (c.score >= 0.5 && clashing.every((w) => contained(w) && w.type !== 'DENY_LIST'))
          winners = [...winners.filter((w) => !clashing.includes(w)), c];
      }
      return winners.sort((a, b) => a.start - b.start);
    };
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const types = ['PERSON', 'URL', 'EMAIL_ADDRESS', 'DENY_LIST', 'US_SSN', 'DATE_TIME'];
    for (let trial = 0; trial < 2000; trial++) {
      const range = trial % 3 === 0 ? 3000 : 120;
      const spans = Array.from({ length: 1 + next(40) }, () => {
        const start = next(range);
        const length = 1 + next(next(5) === 0 ? 60 : 8);
        const score = [0.3, 0.5, 0.7, 0.85, 1][next(5)];
        return candidate(types[next(types.length)], start, start + length, score);
      });
      expect(resolveOverlaps(spans)).toEqual(greedy(spans));
    }
  });
});
