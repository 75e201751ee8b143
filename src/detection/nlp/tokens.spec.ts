import { tokenize } from './tokens';

const words = (text: string): string[] => tokenize(text).map((t) => t.text);

describe('tokenize', () => {
  it.each([
    ["O'Brien-Smith e.g. x.y 3rd", ["O'Brien-Smith", 'e.g', 'x.y', 'rd']],
    ['José Müller, Øresund ßtraße', ['José', 'Müller', 'Øresund', 'ßtraße']],
    ['𝐀lpha 😀 Zoë', ['𝐀lpha', 'Zoë']],
    [
      'AWS_ACCESS_KEY_ID B2B -dash trailing. end-',
      ['AWS', 'ACCESS', 'KEY', 'ID', 'B2B', 'dash', 'trailing', 'end'],
    ],
  ])('splits %p into words', (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it('keeps offsets in UTF-16 units after astral characters', () => {
    const text = '😀 Ann met 𝐀l';
    for (const t of tokenize(text)) expect(text.slice(t.start, t.end)).toBe(t.text);
  });

  it('leaves a possessive out of the word and reads capitals and codes', () => {
    const [john, ibm, b2b, lower] = tokenize("JOHN'S IBM B2B ann");
    expect([john.text, john.possessive, john.allCaps]).toEqual(['JOHN', true, true]);
    expect([ibm.allCaps, ibm.capitalized]).toEqual([true, true]);
    expect([b2b.allCaps, b2b.capitalized]).toEqual([true, false]);
    expect([lower.lower, lower.capitalized, lower.allCaps]).toEqual(['ann', false, false]);
  });

  it('marks a sentence start after a full stop but not after a title', () => {
    const [, , mary, , smith] = tokenize('Ask Bob. Mary met Dr. Smith');
    expect(mary.sentenceStart).toBe(true);
    expect(smith.sentenceStart).toBe(false);
  });
});
