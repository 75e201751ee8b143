import { CORPORA, foldOf } from '../../bench/lib/ner-corpora';
import { emptyScores, micro, prf, scoreRecord } from '../../bench/lib/ner-score';
import { syntheticTexts } from '../../bench/lib/ner-synthetic';
import { extract, train } from '../../bench/lib/ner-train';
import { gazetteers } from '../../src/detection/nlp/gazetteers';
import { KNOWN_ORGANIZATIONS } from '../../src/detection/nlp/organizations';

describe('named-entity model training', () => {
  const g = gazetteers();
  const texts = syntheticTexts(7, 150);

  it('is reproducible: the same seed gives the same weights', () => {
    const x = extract(texts, g, false);
    const ids = texts.map((_, i) => i);
    const a = train(x, ids, { epochs: 2, seed: 1, minCount: 1 });
    const b = train(x, ids, { epochs: 2, seed: 1, minCount: 1 });
    const c = train(x, ids, { epochs: 2, seed: 2, minCount: 1 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('generates texts whose labels cover their values', () => {
    for (const t of texts) {
      for (const e of t.entities) {
        const value = t.text.slice(e.start, e.end);
        expect(value.trim()).toBe(value);
        expect(value.length).toBeGreaterThan(0);
      }
    }
  });

  it('generates organisations that are not in the engine gazetteer', () => {
    const known = new Set(KNOWN_ORGANIZATIONS.map((o) => o.toLowerCase()));
    const orgs = syntheticTexts(7, 2000).flatMap((t) =>
      t.entities.filter((e) => e.type === 'ORGANIZATION').map((e) => t.text.slice(e.start, e.end)),
    );
    expect(orgs.length).toBeGreaterThan(100);
    expect(orgs.filter((o) => known.has(o.toLowerCase()))).toEqual([]);
  });
});

describe('cross-validation folds and scorer', () => {
  it('cuts records into contiguous folds of near-equal size', () => {
    const folds = Array.from({ length: 10 }, (_, i) => foldOf(i, 10, 5));
    expect(folds).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(CORPORA).toContain('wikigold');
  });

  it('scores overlap and exact matches per type, ignoring handles', () => {
    const s = emptyScores();
    const record = {
      id: 'x',
      corpus: 't',
      text: 'Ada Lovelace met @bob in London',
      entities: [
        { type: 'PERSON' as const, start: 0, end: 12 },
        { type: 'LOCATION' as const, start: 25, end: 31 },
      ],
      ignored: [{ start: 17, end: 21 }],
    };
    scoreRecord(s, record, [
      { type: 'PERSON', start: 0, end: 3 },
      { type: 'PERSON', start: 18, end: 21 },
      { type: 'ORGANIZATION', start: 25, end: 31 },
    ]);
    expect(prf(s.PERSON.overlap)).toEqual({ p: 1, r: 1, f1: 1 });
    expect(prf(s.PERSON.exact).f1).toBe(0);
    expect(prf(s.LOCATION.overlap).r).toBe(0);
    expect(micro(s, 'overlap')).toEqual({ p: 0.5, r: 0.5, f1: 0.5 });
  });
});
