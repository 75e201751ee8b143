import { jsonDepth, JsonBodyError, MAX_JSON_DEPTH, parseJsonBody } from './json-body';

describe('JSON request bodies', () => {
  it('measures nesting outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}', 10)).toBe(3);
    expect(jsonDepth('{"text":"[[[[{{{{\\\\\\"]]"}', 10)).toBe(1);
    expect(jsonDepth('"plain"', 10)).toBe(0);
  });

  it('stops counting once past the limit', () => {
    expect(jsonDepth('['.repeat(20_000), MAX_JSON_DEPTH)).toBe(Infinity);
  });

  it('parses a document at the depth limit and refuses one level deeper', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonBodyError);
  });

  it('refuses prototype keys and reports syntax errors as invalid JSON', () => {
    expect(() => parseJsonBody('{"__proto__":{"admin":true}}')).toThrow();
    expect(() => parseJsonBody('{"constructor":{"prototype":{}}}')).toThrow();
    expect(() => parseJsonBody('{"a":')).toThrow(SyntaxError);
    expect(() => parseJsonBody('  ')).toThrow('Request body is empty');
  });
});
