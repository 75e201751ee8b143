import { gazetteers } from '../gazetteers';
import { wordsOf } from '../named-entity-recognizer';
import { ModelNlpEngine } from '../nlp-engine';
import { allowed, gapSignature, shapeOf, spansToTags, TAGS } from './features';
import { NerModel, type NerWeightsFile } from './ner-model';

describe('named-entity model features', () => {
  it.each([
    ['Smith', 'Xx'],
    ['IBM', 'X'],
    ['x86', 'xd'],
    ["O'Brien", "X'Xx"],
    ['Zoë', 'Xx'],
    ['2024', 'd'],
  ])('shape of %p is %p', (word, shape) => {
    expect(shapeOf(word)).toBe(shape);
  });

  it('summarises the text between words', () => {
    expect(gapSignature(' ')).toBe('_');
    expect(gapSignature(', ')).toBe(',');
    expect(gapSignature(' @')).toBe('@');
    expect(gapSignature('\n\n')).toBe('n');
    expect(gapSignature(' 12 ')).toBe('d');
  });

  it('never lets I- follow anything but its own B- or I-', () => {
    const iPer = TAGS.indexOf('I-PER');
    expect(allowed(TAGS.indexOf('B-PER'), iPer)).toBe(true);
    expect(allowed(iPer, iPer)).toBe(true);
    expect(allowed(0, iPer)).toBe(false);
    expect(allowed(TAGS.indexOf('B-LOC'), iPer)).toBe(false);
  });

  it('writes spans onto the words as BIO tags', () => {
    const text = 'Ada Lovelace met Charles in London.';
    const words = wordsOf(text);
    const tags = spansToTags(words, [
      { type: 'PERSON', start: 0, end: 12 },
      { type: 'LOCATION', start: 28, end: 34 },
    ]);
    expect([...tags].map((t) => TAGS[t])).toEqual(['B-PER', 'I-PER', 'O', 'O', 'O', 'B-LOC']);
  });
});

describe('NerModel', () => {
  const g = gazetteers();

  it('decodes spans from weights, keeping tag sequences valid', () => {
    // A toy model: capitalised words are people, "in" makes the next word a place.
    const file: NerWeightsFile = {
      version: 1,
      tags: [...TAGS],
      scale: 1,
      ruleFeatures: false,
      features: {
        bias: [0, 1],
        '0sh=Xx': [1, 3, 2, 2],
        't1=B-PER': [2, 2],
        '-1w=in': [3, 10],
        // I-PER right after O would win without the constraint.
        '0w=later': [2, 50],
      },
    };
    const model = new NerModel(file, g);
    const text = 'Ada Lovelace arrived in Paris later';
    const words = wordsOf(text);
    const spans = model
      .tag(words)
      .map((s) => [TAGS[s.tag], text.slice(words[s.first].start, words[s.last].end)]);
    expect(spans).toEqual([
      ['B-PER', 'Ada Lovelace'],
      ['B-LOC', 'Paris'],
    ]);
  });

  it('decodes the best whole sequence with the viterbi decoder', () => {
    // Greedy takes "Ada" as B-LOC (5 > 4), then "Lovelace" as B-LOC (3; I-PER cannot follow);
    // the best whole sequence is B-PER I-PER (4 + 10 = 14 against 5 + 3 = 8).
    const file: NerWeightsFile = {
      version: 1,
      tags: [...TAGS],
      scale: 1,
      ruleFeatures: false,
      decoder: 'viterbi',
      features: {
        '0w=ada': [1, 4, 3, 5],
        '0w=lovelace': [3, 3, 1, 0],
        't1=B-PER': [2, 10],
      },
    };
    const text = 'Ada Lovelace';
    const words = wordsOf(text);
    const read = (m: NerModel): string[][] =>
      m.tag(words).map((s) => [TAGS[s.tag], text.slice(words[s.first].start, words[s.last].end)]);
    expect(read(new NerModel(file, g))).toEqual([['B-PER', 'Ada Lovelace']]);
    expect(read(new NerModel({ ...file, decoder: 'greedy' }, g))).toEqual([
      ['B-LOC', 'Ada'],
      ['B-LOC', 'Lovelace'],
    ]);
  });

  it('reads a learned word class from the file as a feature of the word and its neighbours', () => {
    // Class 0 holds "zelmora": at offset 0 it makes a place, one word before it a person.
    const file: NerWeightsFile = {
      version: 1,
      tags: [...TAGS],
      scale: 1,
      ruleFeatures: false,
      decoder: 'viterbi',
      classes: [['zelmora'], ['quorvin']],
      features: { '0cl=0': [3, 5], '1cl=0': [1, 5] },
    };
    const text = 'Quorvin Zelmora';
    const words = wordsOf(text);
    const read = (m: NerModel): string[][] =>
      m.tag(words).map((s) => [TAGS[s.tag], text.slice(words[s.first].start, words[s.last].end)]);
    expect(read(new NerModel(file, g))).toEqual([
      ['B-PER', 'Quorvin'],
      ['B-LOC', 'Zelmora'],
    ]);
    expect(read(new NerModel({ ...file, classes: undefined }, g))).toEqual([]);
  });

  it('refuses weights of another model version', () => {
    const file = {
      version: 1,
      tags: ['O'],
      scale: 1,
      ruleFeatures: false,
      features: {},
    } as NerWeightsFile;
    expect(() => new NerModel(file, g)).toThrow('do not match');
  });

  it('loads the committed weights and, with the rules, tags names no list holds', () => {
    const engine = new ModelNlpEngine(NerModel.load(g), g);
    const text =
      'Yesterday Quorvin Talpade flew from Zelmora to meet the board of Vexhollow Industries Ltd.';
    const spans = engine.analyze(text).map((c) => [c.type, text.slice(c.start, c.end)]);
    expect(spans).toEqual(
      expect.arrayContaining([
        ['PERSON', 'Quorvin Talpade'],
        ['ORGANIZATION', 'Vexhollow Industries Ltd'],
      ]),
    );
  });
});
