import { pooledRandomBytes } from '../crypto/random-pool';

/** Crockford base32: no I, L, O, U, so tokens survive being read aloud or retyped by a model. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 8 Crockford characters: 40 bits, so ids cannot be guessed in bulk (older tokens keep 6). */
export const TOKEN_ID_LENGTH = 8;

/**
 * The one documented token pattern: `[TYPE_ID]`, TYPE an UPPER_SNAKE entity type, ID 6–12 Crockford
 * base32 characters, optionally a name link (`.given`, `.family`, or `~` and the anchor's ID;
 * src/tokens/name-linking.ts). Bounded quantifiers keep matching linear.
 */
export const TOKEN_PATTERN =
  /\[([A-Z][A-Z0-9_]{0,47})_([0-9A-HJKMNP-TV-Z]{6,12}(?:\.given|\.family|~[0-9A-HJKMNP-TV-Z]{6,12})?)\]/g;
const WHOLE_TOKEN =
  /^\[([A-Z][A-Z0-9_]{0,47})_([0-9A-HJKMNP-TV-Z]{6,12}(?:\.given|\.family|~[0-9A-HJKMNP-TV-Z]{6,12})?)\]$/;

export function mintPlaceholderToken(entityType: string, idLength = TOKEN_ID_LENGTH): string {
  const bytes = pooledRandomBytes(idLength);
  let id = '';
  for (let i = 0; i < idLength; i++) id += ALPHABET[bytes[i] & 31];
  return `[${entityType}_${id}]`;
}

/** The entity type a well-formed token names, or undefined if the string is not a token. */
export function tokenType(token: string): string | undefined {
  return WHOLE_TOKEN.exec(token)?.[1];
}

export interface TokenOccurrence {
  token: string;
  start: number;
  end: number;
}

export function findTokens(text: string): TokenOccurrence[] {
  const found: TokenOccurrence[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    found.push({ token: match[0], start: match.index, end: match.index + match[0].length });
  }
  return found;
}
