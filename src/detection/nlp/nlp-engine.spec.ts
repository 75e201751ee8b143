import { emailParts, ModelNlpEngine } from './nlp-engine';

/** The shipped model combined with the rules, on forms the training corpora hardly have.
 * Names here are made up for this test, not taken from the evaluation set. Each case failed
 * before the combination read speaker labels, list items and partial names. */
describe('ModelNlpEngine combination', () => {
  const engine = new ModelNlpEngine();
  const found = (text: string): string[] =>
    engine.analyze(text).map((c) => `${c.type}:${text.slice(c.start, c.end)}`);

  it.each([
    ['[09:14] Oswin: hi, the app keeps crashing', 'PERSON:Oswin'],
    ['Present: Ulla Brenneke, Tobit Harrowgate, Ismay Corvell.', 'PERSON:Tobit Harrowgate'],
    ['Visitor (Brannagh Quill): hello', 'PERSON:Brannagh Quill'],
  ])('finds the name in %j', (text, expected) => {
    expect(found(text)).toContain(expected);
  });

  it('does not report a part of a name as an organisation', () => {
    expect(found('Visitor (Brannagh Quill): hello')).not.toContain('ORGANIZATION:Brannagh');
  });
});

/** Document consistency: a full name found once vouches for its parts where they recur. Names
 * made up for this test. */
describe('ModelNlpEngine repeated names', () => {
  const text =
    'Tobit Harrowgate joined the board in May. Two years later Harrowgate resigned over the budget.';
  const spans = (engine: ModelNlpEngine): string[] =>
    engine.analyze(text).map((c) => `${c.type}:${text.slice(c.start, c.end)}`);

  it('tags the surname again where it recurs alone', () => {
    const found = spans(new ModelNlpEngine());
    expect(found).toContain('PERSON:Tobit Harrowgate');
    expect(found).toContain('PERSON:Harrowgate');
  });

  it('repeats nothing when switched off', () => {
    const off = new ModelNlpEngine(undefined, undefined, { repeatTypes: new Set() });
    const repeated = off.analyze(text).filter((c) => c.explanation.pattern === 'ner_repeat');
    expect(repeated).toEqual([]);
  });

  it('does not repeat an everyday word that was part of a name', () => {
    const t = 'Grace Hopper wrote the compiler. By grace of the committee, Hopper stayed.';
    const found = new ModelNlpEngine().analyze(t).map((c) => t.slice(c.start, c.end));
    expect(found).not.toContain('grace');
  });
});

/** A name whose words are the pieces of an e-mail address in the same text. Made-up names. */
describe('ModelNlpEngine names vouched for by an e-mail address', () => {
  const engine = new ModelNlpEngine();
  const persons = (text: string): string[] =>
    engine
      .analyze(text)
      .filter((c) => c.type === 'PERSON')
      .map((c) => text.slice(c.start, c.end));

  it('finds the name in an e-mail header whose address spells it', () => {
    const text =
      'From: Orsolya Pennywhistle <orsolya.pennywhistle@example.org>\nTo: Ilvar Quennell <ilvar_quennell@example.net>\nSubject: renewal';
    const found = persons(text);
    expect(found).toContain('Ilvar Quennell');
    // The model read "Orsolya Pennywhistle" as a place; the address spells both words, so it
    // is a name.
    expect(found).toContain('Orsolya Pennywhistle');
  });
});

describe('emailParts', () => {
  // The addresses this regex finds; emailParts scans for them by hand.
  const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
  const byRegex = (text: string): string[] => {
    const out = new Set<string>();
    for (const m of text.matchAll(EMAIL)) {
      const local = m[0].slice(0, m[0].indexOf('@')).toLowerCase();
      for (const piece of local.split(/[._%+\-\d]+/)) if (piece.length >= 3) out.add(piece);
    }
    return [...out].sort();
  };

  it.each([
    'To: Sosteneo Chimenti <sosteneo_chimenti@mail.example.com>',
    'bob_smith@ex.com, carol.jones@ex.co.uk',
    'jürgen.müller@beispiel.de',
    'a@b.c@d.e and foo@bar and foo@bar. and ann@@x.org',
    `${'x'.repeat(70)}y@foo.com`,
    'joe.doe@x.y.z.@w.q',
    'no address here',
  ])('finds the local-part pieces the address regex finds in %p', (text) => {
    expect([...emailParts(text)].sort()).toEqual(byRegex(text));
  });
});
