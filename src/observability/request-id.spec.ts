import { requestIdFrom } from './request-id';

describe('request ids', () => {
  it('keeps a plain caller-supplied id', () => {
    expect(requestIdFrom('req-42.a:b_C')).toBe('req-42.a:b_C');
  });

  it.each([
    ['a value with spaces', 'ada lovelace'],
    ['a forged log line', 'x"}\n{"level":50'],
    ['an overlong id', 'a'.repeat(129)],
    ['an empty header', ''],
  ])('replaces %s with a generated UUID', (_, header) => {
    const id = requestIdFrom(header);
    expect(id).not.toBe(header);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('generates an id when the caller sent none', () => {
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
