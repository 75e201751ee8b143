import { generateApiKey, LEGACY_BOOTSTRAP_LOOKUP_ID, parseApiKey } from './api-key-format';

describe('API key format', () => {
  it('parses a generated key back into its lookup id and secret', () => {
    const key = generateApiKey();
    expect(parseApiKey(key.key)).toEqual({ lookupId: key.lookupId, secret: key.secret });
  });

  it('refuses what cannot be one of our keys, so it costs no hashing', () => {
    for (const key of ['short', 'pvk_tooshort_x', `pvk_${'a'.repeat(16)}_${'b'.repeat(10)}`]) {
      expect(parseApiKey(key)).toBeUndefined();
    }
  });

  it('gives each operator-chosen key its own lookup id, never the shared legacy one', () => {
    const a = parseApiKey('operator-chosen-bootstrap-key-0001')!;
    const b = parseApiKey('operator-chosen-bootstrap-key-0002')!;
    expect(a.lookupId).toMatch(/^bootstrap-[0-9a-f]{16}$/);
    expect(a.lookupId).not.toBe(b.lookupId);
    expect(a.lookupId).not.toBe(LEGACY_BOOTSTRAP_LOOKUP_ID);
    expect(a.secret).toBe('operator-chosen-bootstrap-key-0001');
  });
});
