import { ModelNlpEngine } from './nlp-engine';

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
