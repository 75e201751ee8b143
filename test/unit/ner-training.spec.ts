import { CORPORA, foldOf } from '../../bench/lib/ner-corpora';
import { emptyScores, micro, prf, scoreRecord } from '../../bench/lib/ner-score';
import { syntheticTexts } from '../../bench/lib/ner-synthetic';
import { wordClusters } from '../../bench/lib/ner-clusters';
import { extract, train, withClasses } from '../../bench/lib/ner-train';
import { gazetteers } from '../../src/detection/nlp/gazetteers';
import { wordFeatures } from '../../src/detection/nlp/model/features';
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

describe('learned word classes', () => {
  const g = gazetteers();
  // Names stand where names stand, places where places stand.
  const texts: string[] = [];
  const names = ['Ada', 'Bram', 'Cleo', 'Dario', 'Efe', 'Fenna'];
  const places = ['Oslo', 'Lyon', 'Turku', 'Bergen', 'Graz', 'Split'];
  for (let i = 0; i < 60; i++) {
    const n = names[i % names.length];
    const p = places[(i * 5) % places.length];
    texts.push(`yesterday ${n} said that the trip to ${p} was long .`);
    texts.push(`we asked ${n} about the weather in ${p} today .`);
  }
  const opts = { classes: 4, iterations: 6, minCount: 2 };

  it('puts words used in the same contexts in one class, the same way every run', () => {
    const a = wordClusters(texts, opts);
    expect(wordClusters(texts, opts)).toEqual(a);
    const classOf = (w: string): number => a.findIndex((ws) => ws.includes(w));
    const nameClasses = new Set(names.map((n) => classOf(n.toLowerCase())));
    const placeClasses = new Set(places.map((p) => classOf(p.toLowerCase())));
    expect(nameClasses.size).toBe(1);
    expect(placeClasses.size).toBe(1);
    expect([...nameClasses][0]).not.toBe([...placeClasses][0]);
    expect([...nameClasses][0]).toBeGreaterThanOrEqual(0);
  });

  it('adds the class of each word in the window as the features decoding computes', () => {
    const classes = wordClusters(texts, opts);
    const labelled = texts.slice(0, 4).map((text) => ({ text, entities: [] }));
    const x = extract(labelled, g, false);
    const y = withClasses(x, classes);
    const map = new Map<string, number>();
    classes.forEach((ws, i) => ws.forEach((w) => map.set(w, i)));
    // Token 1 of text 0 is "Ada": its own class at offset 0, its neighbours' at -1 and +1.
    const tok = 1;
    const added = [...y.ids.subarray(y.tokenStart[tok], y.tokenStart[tok + 1])]
      .map((id) => y.names[id])
      .filter((f) => f.includes('cl='));
    const [, any] = wordFeatures('Ada', g, map);
    expect(any).toContain(`cl=${map.get('ada')}`);
    expect(added).toEqual([
      `-1cl=${map.get('yesterday')}`,
      `0cl=${map.get('ada')}`,
      `1cl=${map.get('said')}`,
      `2cl=${map.get('that')}`,
    ]);
    // Everything else is unchanged.
    expect(y.ids.length - x.ids.length).toBe(5 * x.tokenWord.length - 6 * labelled.length);
  });
});
