/**
 * The generated evaluation set must not be scored on values the engine was given: its names,
 * towns and organisations come from lists disjoint from the engine's gazetteers and cue lists.
 * Countries and US states are a closed class every detector lists; they are exempt.
 */
import { namePools } from '../../bench/eval-generate';
import { loadDataset } from '../../bench/lib/eval-dataset';
import {
  COUNTRY_OF,
  HOSPITALS,
  INSURERS,
  REAL_CITIES,
  STATE_NAMES,
  WELL_KNOWN_ORGS,
  type Locale,
} from '../../bench/lib/eval-values';
import * as cues from '../../src/detection/nlp/cues';
import { gazetteers } from '../../src/detection/nlp/gazetteers';

const LOCALES: readonly Locale[] = ['en_US', 'en_GB', 'de', 'fr', 'es', 'it', 'nl'];

/** Every word list exported by cues.ts, lower-cased, whatever its container. */
function cueWords(): Set<string> {
  const out = new Set<string>();
  for (const value of Object.values(cues) as unknown[]) {
    const items: unknown[] =
      value instanceof Set ? [...(value as Set<unknown>)] : Array.isArray(value) ? value : [];
    for (const item of items) if (typeof item === 'string') out.add(item.toLowerCase());
  }
  return out;
}

describe('generated evaluation values are disjoint from the engine lists', () => {
  const g = gazetteers();
  const cueSet = cueWords();
  const isName = (w: string) => g.names.has(w.toLowerCase()) || g.firstNames.has(w.toLowerCase());
  const inEngineLists = (v: string) => {
    const k = v.toLowerCase();
    return g.places.has(k) || g.organizations.has(k) || isName(k) || cueSet.has(k);
  };
  const exempt = new Set(
    [...Object.values(COUNTRY_OF), ...Object.values(STATE_NAMES)].map((v) => v.toLowerCase()),
  );

  it('finds the cue lists it checks against (so an empty import cannot pass)', () => {
    expect(cueSet.size).toBeGreaterThan(200);
    expect(g.organizations.size).toBeGreaterThan(100);
  });

  it('uses towns and organisations in no gazetteer or cue list', () => {
    const values = [
      ...LOCALES.flatMap((l) => REAL_CITIES[l]),
      ...WELL_KNOWN_ORGS,
      ...HOSPITALS,
      ...INSURERS,
    ];
    expect(values.filter(inEngineLists)).toEqual([]);
  });

  it('draws person names that no name gazetteer or cue list holds', () => {
    for (const locale of LOCALES) {
      const { first, last } = namePools(locale);
      expect(first.length).toBeGreaterThan(5);
      expect(last.length).toBeGreaterThan(5);
      expect([...first, ...last].filter(inEngineLists)).toEqual([]);
    }
  });

  it('has no PERSON, LOCATION or ORGANIZATION gold value the engine lists (generated records)', () => {
    const bad: string[] = [];
    for (const r of loadDataset().filter((x) => x.locale !== 'hand')) {
      for (const s of r.entities) {
        const v = s.value.toLowerCase();
        if (s.type === 'PERSON' && v.split(/[\s-]+/).some((w) => isName(w) || cueSet.has(w)))
          bad.push(`${r.id} PERSON ${s.value}`);
        if (s.type === 'LOCATION' && !exempt.has(v) && (g.places.has(v) || cueSet.has(v)))
          bad.push(`${r.id} LOCATION ${s.value}`);
        if (s.type === 'ORGANIZATION' && (g.organizations.has(v) || cueSet.has(v)))
          bad.push(`${r.id} ORGANIZATION ${s.value}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
