import { readFileSync } from 'node:fs';
import { BUILTIN_ENTITY_TYPES } from '../../src/detection';
import { generate } from '../../bench/eval-generate';
import {
  abaValid,
  base58checkValid,
  bech32Valid,
  deaValid,
  eip55,
  ibanValid,
  luhnValid,
  npiValid,
  vinValid,
} from '../../bench/lib/eval-checksums';
import { datasetPath, loadDataset, parseMarkup } from '../../bench/lib/eval-dataset';

const records = loadDataset();
const known = new Set<string>(BUILTIN_ENTITY_TYPES);
const spans = records.flatMap((r) => r.entities.map((span) => ({ id: r.id, text: r.text, span })));
const digitsOf = (s: string) => s.replace(/[\s-]/g, '');

function cryptoValid(address: string): boolean {
  if (/^0x[0-9a-fA-F]{40}$/.test(address)) return eip55(address.slice(2)) === address;
  if (/^bc1/i.test(address)) return bech32Valid(address);
  return base58checkValid(address);
}

const CHECKSUMS: Record<string, (value: string) => boolean> = {
  CREDIT_CARD: (v) => luhnValid(digitsOf(v)),
  IBAN_CODE: (v) => ibanValid(v),
  ABA_ROUTING_NUMBER: (v) => abaValid(v),
  US_NPI: (v) => npiValid(v),
  US_DEA: (v) => deaValid(v),
  VIN: (v) => vinValid(v),
  CRYPTO: cryptoValid,
};

describe('evaluation dataset', () => {
  it('has several hundred texts with unique ids across many genres', () => {
    expect(records.length).toBeGreaterThanOrEqual(500);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(new Set(records.map((r) => r.genre)).size).toBeGreaterThanOrEqual(10);
  });

  it('labels only entity types the SPEC defines', () => {
    const unknown = spans
      .filter((s) => !known.has(s.span.type))
      .map((s) => `${s.id}:${s.span.type}`);
    expect(unknown).toEqual([]);
  });

  it('stores offsets whose slice equals the stored value, with no padding whitespace', () => {
    const bad = spans.filter(
      ({ text, span }) =>
        span.start < 0 ||
        span.end > text.length ||
        span.start >= span.end ||
        text.slice(span.start, span.end) !== span.value ||
        span.value.trim() !== span.value,
    );
    expect(bad.map((b) => b.id)).toEqual([]);
  });

  it('never overlaps two gold spans in one text', () => {
    const overlapping = records.filter((r) => {
      const sorted = [...r.entities].sort((a, b) => a.start - b.start);
      return sorted.some((s, i) => i > 0 && s.start < sorted[i - 1].end);
    });
    expect(overlapping.map((r) => r.id)).toEqual([]);
  });

  it('covers every built-in entity type at least ten times', () => {
    const counts = new Map<string, number>();
    for (const { span } of spans) counts.set(span.type, (counts.get(span.type) ?? 0) + 1);
    const thin = BUILTIN_ENTITY_TYPES.filter((t) => (counts.get(t) ?? 0) < 10);
    expect(thin).toEqual([]);
  });

  it('labels only checksum-valid cards, IBANs, routing numbers, NPIs, DEAs, VINs and wallets', () => {
    const invalid = spans
      .filter(({ span }) => CHECKSUMS[span.type] && !CHECKSUMS[span.type](span.value))
      .map(({ id, span }) => `${id}:${span.type}:${span.value}`);
    expect(invalid).toEqual([]);
  });

  it('keeps titles, possessives and leading articles outside spans, as the labelling guide says', () => {
    const breaches = spans.filter(
      ({ span }) =>
        (span.type === 'PERSON' && /^(Dr|Mr|Mrs|Ms|Prof|Capt)\.?\s|'s$/i.test(span.value)) ||
        (['ORGANIZATION', 'LOCATION'].includes(span.type) && /^the\s/i.test(span.value)),
    );
    expect(breaches.map(({ id, span }) => `${id}:${span.value}`)).toEqual([]);
  });

  it('includes negatives: texts with no PII at all', () => {
    expect(records.filter((r) => r.entities.length === 0).length).toBeGreaterThanOrEqual(30);
  });

  it('is exactly what the seeded generator produces (regenerate after editing templates)', () => {
    const expected =
      generate()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n';
    expect(readFileSync(datasetPath(), 'utf8')).toBe(expected);
  });
});

describe('evaluation markup', () => {
  it('computes UTF-16 offsets after emoji and accents', () => {
    const { text, entities } = parseMarkup('👋 Zoë: {{PERSON|José}} ✈️ {{EMAIL_ADDRESS|a@b.io}}');
    expect(entities.map((s) => text.slice(s.start, s.end))).toEqual(['José', 'a@b.io']);
    expect(entities[0].start).toBe('👋 Zoë: '.length);
  });

  it('rejects unbalanced markup', () => {
    expect(() => parseMarkup('{{PERSON|Ann')).toThrow();
  });
});
