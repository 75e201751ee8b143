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

describe('NUL characters in JSON bodies', () => {
  it('refuses a NUL in a value anywhere, naming the field by its path', () => {
    expect(() => parseJsonBody('{"name":"a\\u0000b"}')).toThrow(JsonBodyError);
    expect(() => parseJsonBody('{"name":"a\\u0000b"}')).toThrow(/^name contains a NUL/);
    expect(() => parseJsonBody('{"document":{"rules":[{"x":1},{"pattern":"\\u0000"}]}}')).toThrow(
      /^document\.rules\[1\]\.pattern contains a NUL/,
    );
    expect(() => parseJsonBody('["\\u0000"]')).toThrow(/^\[0\] contains a NUL/);
    expect(() => parseJsonBody('"\\u0000"')).toThrow(/^The body contains a NUL/);
  });

  it('refuses a NUL in a key, and never quotes a key that is not a plain identifier', () => {
    expect(() => parseJsonBody('{"a\\u0000":1}')).toThrow(/^The body has a key that contains/);
    let message = '';
    try {
      parseJsonBody('{"john.smith@example.com":{"x":"\\u0000"}}');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^\[…\]\.x contains a NUL/);
    expect(message).not.toContain('john');
  });

  it('accepts an escaped backslash followed by u0000, which is no NUL', () => {
    expect(parseJsonBody('{"text":"\\\\u0000"}')).toEqual({ text: '\\u0000' });
  });
});
