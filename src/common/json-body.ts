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
  try {
    return sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw Object.assign(new SyntaxError('Request body is not valid JSON'), { statusCode: 400 });
  }
}
