import { BUILTIN_ENTITY_TYPES } from '../detection';
import { EntityTypeNames, findPlaceholders } from '../tokens/placeholder-grammar';
import { LiteralTokens } from './literal-tokens';
import { renderSegments, Segment, segmentText, StreamRestorer } from './stream-restorer';

const types = new EntityTypeNames(BUILTIN_ENTITY_TYPES);
const VALUES: Record<string, string> = {
  '[PERSON_7QX2KD9M]': "Margaret O'Connell",
  '[PHONE_NUMBER_YJEEBY]': '+1 415 555 0100',
  '[US_SSN_275YMC]': '123-45-6789',
  '[PERSON_FZC3RF]': 'Daniel',
  '[PERSON_7QX2KD9M.given]': 'Margaret',
  '[PERSON_7QX2KD9M.family]': "O'Connell",
  '[PERSON_M4T8ZA00~7QX2KD9M]': "Daniel O'Connell",
};
const shown = (token: string) => VALUES[token];

/** The segments a restorer gives for the text pushed in pieces cut at `cuts`. */
function segmentsOf(restorer: StreamRestorer, text: string, cuts: number[]): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const cut of [...cuts, text.length]) {
    segments.push(...restorer.push(text.slice(last, cut)));
    last = cut;
  }
  segments.push(...restorer.end());
  return segments;
}

function streamed(text: string, cuts: number[]): { out: string; segments: Segment[] } {
  const segments = segmentsOf(new StreamRestorer(types), text, cuts);
  return { out: renderSegments(segments, shown), segments };
}

const TEXTS = [
  'Call [PERSON_7QX2KD9M] at [PHONE_NUMBER_YJEEBY] today.',
  "PHONE_NUMBER_YJEEBY is [person_fzc3rf]'s number, not [PHONE NUMBER YJEEBY].",
  "[US_SSN_275YMC ] and [[PERSON_7QX2KD9M]] and [PERSON_7QX2KD9M's] file; [see attached] PERS.",
  'End with a token [PERSON_7QX2KD9M]',
  'Unknown [PERSON_ZZZZZZZZ], [foo-bar] [',
  "Linked: [PERSON_7QX2KD9M.given] and [PERSON_M4T8ZA00~7QX2KD9M] ([PERSON_7QX2KD9M.family]'s).",
  'Mangled linked: [person 7qx2kd9m.given] PERSON_M4T8ZA00~7QX2KD9M paid.',
];

describe('placeholder grammar', () => {
  it.each([
    ['[PERSON_7QX2KD9M]', '[PERSON_7QX2KD9M]', false],
    ['PHONE_NUMBER_YJEEBY', '[PHONE_NUMBER_YJEEBY]', true],
    ['[person_fzc3rf]', '[PERSON_FZC3RF]', true],
    ['[PHONE NUMBER HG6385]', '[PHONE_NUMBER_HG6385]', true],
    ['[US_SSN_275YMC ]', '[US_SSN_275YMC]', true],
    ['[[US-SSN-275YMC]]', '[US_SSN_275YMC]', true],
    ['us_ssn_275ymc]', '[US_SSN_275YMC]', true],
    ['[PERSON_7QX2KD9M.given]', '[PERSON_7QX2KD9M.given]', false],
    ['[PERSON_M4T8ZA00~7QX2KD9M]', '[PERSON_M4T8ZA00~7QX2KD9M]', false],
    ['[person-7qx2kd9m.family ]', '[PERSON_7QX2KD9M.family]', true],
    ['person_m4t8za00~7qx2kd9m]', '[PERSON_M4T8ZA00~7QX2KD9M]', true],
  ])('reads %s as %s', (text, token, mangled) => {
    const [match] = findPlaceholders(text, types.isKnown);
    expect(match).toMatchObject({ start: 0, end: text.length, token, mangled });
  });

  it('keeps a possessive written inside the brackets after the value', () => {
    expect(renderSegments(segmentText("[PERSON_FZC3RF's] car", types), shown)).toBe("Daniel's car");
  });

  it('turns no ordinary text into a token, and needs a known type for a mangled form', () => {
    const text = '[see attached] LOCATION DENVER [NOTE ABCDEF12] HELLO_ABCDEF person_abcdef';
    expect(findPlaceholders(text, types.isKnown)).toEqual([]);
  });

  it('drops leading words that are no type: [note PERSON FZC3RF]', () => {
    expect(renderSegments(segmentText('[note PERSON FZC3RF]', types), shown)).toBe('[note Daniel');
  });
});

describe('StreamRestorer', () => {
  it.each(TEXTS)('restores %p identically at every split point', (text) => {
    const whole = renderSegments(segmentText(text, types), shown);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(streamed(text, [cut]).out).toBe(whole);
    }
  });

  it('restores identically when a token arrives in three pieces, at every pair of cuts', () => {
    const text = 'a [PERSON_7QX2KD9M] b PHONE_NUMBER_YJEEBY.';
    const whole = renderSegments(segmentText(text, types), shown);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) expect(streamed(text, [i, j]).out).toBe(whole);
    }
  });

  it('lets text that cannot be a placeholder flow at once, and holds only a possible one', () => {
    const restorer = new StreamRestorer(types);
    expect(renderSegments(restorer.push('Hello there, the customer '), shown)).toBe(
      'Hello there, the customer ',
    );
    expect(renderSegments(restorer.push('is [PERS'), shown)).toBe('is ');
    expect(restorer.pending).toBe('[PERS'.length);
    expect(renderSegments(restorer.push('ON_7QX2'), shown)).toBe('');
    expect(renderSegments(restorer.push('KD9M] and more'), shown)).toBe(
      "Margaret O'Connell and more",
    );
    expect(restorer.pending).toBe(0);
    // A bracket that turns out to be prose is released as soon as it cannot be a placeholder.
    expect(renderSegments(restorer.push(' [1] x'), shown)).toBe(' [1] x');
  });
});

describe('StreamRestorer with format-preserving tokens the call sent', () => {
  const FP: Record<string, string> = {
    '9994 1234 5678 9010': '4111 1111 1111 1111',
    'k3v9q2m7zt@vault.invalid': 'jane.roe@example.com',
  };
  const literals = new LiteralTokens(Object.keys(FP));
  const show = (token: string) => FP[token] ?? VALUES[token];

  function streamedFp(text: string, cuts: number[]): string {
    return renderSegments(segmentsOf(new StreamRestorer(types, literals), text, cuts), show);
  }

  it.each([
    'Card 9994 1234 5678 9010, mail k3v9q2m7zt@vault.invalid, [PERSON_7QX2KD9M].',
    'Not these: 9994 1234 5678 90101, x9994 1234 5678 9010, 9994 1234 5678 9011 end 9994',
  ])('restores %p only where a sent token stands whole, at every split point', (text) => {
    const whole = renderSegments(segmentText(text, types, literals), show);
    for (let cut = 0; cut <= text.length; cut++) expect(streamedFp(text, [cut])).toBe(whole);
  });

  it('restores a sent token as a whole word and leaves look-alike numbers as written', () => {
    const text =
      'Card 9994 1234 5678 9010 paid; 9994 1234 5678 90101 and 1234 5678 are not tokens.';
    expect(renderSegments(segmentText(text, types, literals), show)).toBe(
      'Card 4111 1111 1111 1111 paid; 9994 1234 5678 90101 and 1234 5678 are not tokens.',
    );
  });
});
