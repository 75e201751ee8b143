import { forEachMatch } from './matches';

function all(regex: RegExp, text: string): [number, string][] {
  const out: [number, string][] = [];
  forEachMatch(regex, text, (m) => {
    out.push([m.index, m[0]]);
  });
  return out;
}

describe('forEachMatch', () => {
  it.each([
    [/\d+/g, 'a1 b22 c333'],
    [/(?:)/g, 'ab'],
    [/x*/g, 'axxb'],
    [/(?:)/gu, 'a😀b'],
    [/(?:)/g, 'a😀b'],
    [/\p{L}*/gu, 'é😀ß'],
    [/(?<=a)b?/g, 'abab a'],
  ])('finds what matchAll finds: %s on %j', (regex, text) => {
    expect(all(regex, text)).toEqual([...text.matchAll(regex)].map((m) => [m.index, m[0]]));
    expect(regex.lastIndex).toBe(0);
  });

  it('stops when the visitor returns false', () => {
    const seen: string[] = [];
    forEachMatch(/\d/g, '1 2 3', (m) => {
      seen.push(m[0]);
      return seen.length < 2;
    });
    expect(seen).toEqual(['1', '2']);
  });

  it('is not disturbed by a nested scan of the same regex', () => {
    const re = /\d/g;
    const outer: string[] = [];
    forEachMatch(re, '1 2 3', (m) => {
      outer.push(m[0]);
      expect(all(re, '7 8')).toEqual([
        [0, '7'],
        [2, '8'],
      ]);
    });
    expect(outer).toEqual(['1', '2', '3']);
  });

  it('rejects a regex without the g flag, as matchAll does', () => {
    expect(() => forEachMatch(/a/, 'a', () => undefined)).toThrow(TypeError);
  });
});
