import { TokenLookup } from './token-lookup';

/**
 * How lookups of concurrent callers share statements. The SQL runs against PostgreSQL in
 * test/vault.e2e-spec.ts; here the statement only records what it is asked.
 */
function lookupOver(stored: Record<string, string[]>, failFor?: string) {
  const calls: { tenantId: string; tokens: string[] }[] = [];
  const lookup = new TokenLookup<string>((tenantId, tokens) => {
    calls.push({ tenantId, tokens: [...tokens].sort() });
    if (tenantId === failFor) return Promise.reject(new Error('connection lost'));
    const own = stored[tenantId] ?? [];
    return Promise.resolve(
      new Map(tokens.filter((t) => own.includes(t)).map((t) => [t, `${tenantId}:${t}`])),
    );
  });
  return { lookup, calls };
}

describe('TokenLookup', () => {
  it('answers callers of one event-loop turn with one statement per tenant', async () => {
    const { lookup, calls } = lookupOver({ t1: ['A', 'B', 'C'], t2: ['X'] });
    const [first, second, other] = await Promise.all([
      lookup.find('t1', ['A', 'B']),
      lookup.find('t1', ['B', 'C', 'Z']),
      lookup.find('t2', ['X', 'A']),
    ]);
    expect(calls).toEqual([
      { tenantId: 't1', tokens: ['A', 'B', 'C', 'Z'] },
      { tenantId: 't2', tokens: ['A', 'X'] },
    ]);
    // Each caller sees only the tokens it asked for, and only its own tenant's rows.
    expect([...first]).toEqual([
      ['A', 't1:A'],
      ['B', 't1:B'],
    ]);
    expect([...second]).toEqual([
      ['B', 't1:B'],
      ['C', 't1:C'],
    ]);
    expect([...other]).toEqual([['X', 't2:X']]);
  });

  it('reads again for a later call: nothing is cached between turns', async () => {
    const stored = { t1: ['A'] };
    const { lookup, calls } = lookupOver(stored);
    expect((await lookup.find('t1', ['A'])).has('A')).toBe(true);
    stored.t1 = [];
    expect((await lookup.find('t1', ['A'])).has('A')).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('fails only the callers of the tenant whose statement failed', async () => {
    const { lookup } = lookupOver({ t1: ['A'], t2: ['X'] }, 't1');
    const [failed, answered] = await Promise.allSettled([
      lookup.find('t1', ['A']),
      lookup.find('t2', ['X']),
    ]);
    expect(failed.status).toBe('rejected');
    expect(answered.status === 'fulfilled' && [...answered.value.keys()]).toEqual(['X']);
  });

  it('splits a batch larger than one statement may read', async () => {
    const tokens = Array.from({ length: 1500 }, (_, i) => `T${i}`);
    const { lookup, calls } = lookupOver({ t1: tokens });
    expect((await lookup.find('t1', tokens)).size).toBe(1500);
    expect(calls.map((c) => c.tokens.length)).toEqual([1000, 500]);
  });

  it('makes no statement for no tokens', async () => {
    const { lookup, calls } = lookupOver({});
    expect((await lookup.find('t1', [])).size).toBe(0);
    expect(calls).toHaveLength(0);
  });
});
