import sjson from 'secure-json-parse';

/** Deeper documents are refused before parsing: validation and transformation recurse. */
export const MAX_JSON_DEPTH = 64;

/** A body that parses but that we refuse to handle; the exception filter answers 400. */
export class JsonBodyError extends Error {
  readonly statusCode = 400;
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of objects and arrays in a JSON text, or Infinity once past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return Infinity;
      if (depth > deepest) deepest = depth;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Parses a JSON request body: at most MAX_JSON_DEPTH levels (a 20,000-level document would
 * overflow the stack of everything that walks it later), and no `__proto__` or `constructor`
 * keys, as Fastify's own parser refuses them. Syntax errors keep Fastify's invalid-JSON shape.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw Object.assign(new Error('Request body is empty'), {
      code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
    });
  }
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new JsonBodyError(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw Object.assign(new SyntaxError('Request body is not valid JSON'), { statusCode: 400 });
  }
  const where = nulPath(parsed, '');
  if (where !== undefined) {
    throw new JsonBodyError(
      `${where || 'The body'} contains a NUL character (\\u0000), which cannot be stored`,
    );
  }
  return parsed;
}

/** A property name shown in a message: a plain identifier, never a caller's free text. */
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/**
 * Where the first NUL (U+0000) sits in a parsed body, in a key or a string value: PostgreSQL
 * stores neither in text nor in jsonb, so such a body is refused at the door for every route.
 * The path names fields by identifier only (other keys show as `[…]`, never their text).
 */
export function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const name = SAFE_KEY.test(key) ? (path ? `${path}.${key}` : key) : `${path}[…]`;
    if (key.includes('\0')) return `${path || 'The body'} has a key that`;
    const found = nulPath(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
