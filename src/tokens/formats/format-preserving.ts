import { randomBytes, randomInt } from 'node:crypto';
import { luhnValid } from '../../detection/validators/luhn';

/**
 * Format-preserving tokens: the token has the value's shape, so a model reads a card as a card.
 * Cards get an IIN in the 999 range, which no issuer uses, and stay Luhn-valid; emails land in the
 * reserved `.invalid` domain; other values keep every separator and character class.
 */
export const FP_EMAIL_DOMAIN = 'vault.invalid';
const CARD_PREFIX = '999';

/**
 * Random characters every format-preserving token keeps where the value is long enough: keepLast
 * is honoured only as far as it leaves this many. Six decimal digits are a million tokens per kept
 * suffix, so a guess that shares a value's known last four still hits one token in a million (and
 * each miss is charged to the reveal budget); with fewer, a few thousand guesses would cover them.
 */
export const MIN_RANDOM_CHARS = 6;
/** Largest keepLast a policy may set: the last four, as card receipts show (PCI DSS). */
export const MAX_KEEP_LAST = 4;
const MAX_MINT_ATTEMPTS = 32;

/** The value has no character a token could change: no format-preserving token is possible. */
export class NoFormatPreservingSpaceError extends Error {
  constructor() {
    super('format-preserving: the value has no character to randomize');
  }
}

/** A token of the value's shape that is never the value itself. */
export function mintFormatPreserving(entityType: string, value: string, keepLast: number): string {
  for (let attempt = 0; attempt < MAX_MINT_ATTEMPTS; attempt++) {
    const token = mintOnce(entityType, value, keepLast);
    if (token !== value) return token;
  }
  throw new NoFormatPreservingSpaceError();
}

function mintOnce(entityType: string, value: string, keepLast: number): string {
  if (entityType === 'EMAIL_ADDRESS') return mintEmail();
  if (entityType === 'CREDIT_CARD') return mintCard(value, keepLast);
  return mintShape(value, keepLast);
}

/** keepLast, reduced so that at least MIN_RANDOM_CHARS of `free` positions stay random. */
function safeKeep(keepLast: number, free: number): number {
  return Math.max(0, Math.min(keepLast, free - MIN_RANDOM_CHARS));
}

function mintEmail(): string {
  const bytes = randomBytes(10);
  let local = '';
  for (const b of bytes) local += 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36];
  return `${local}@${FP_EMAIL_DOMAIN}`;
}

function mintCard(value: string, keepLast: number): string {
  const original = value.replace(/\D/g, '');
  const n = original.length;
  if (n < CARD_PREFIX.length + 2) throw new NoFormatPreservingSpaceError();
  // The prefix is fixed and the check digit follows from the rest: neither is random.
  const keep = safeKeep(keepLast, n - CARD_PREFIX.length - 1);
  const digits = (
    CARD_PREFIX +
    randomDigits(n - CARD_PREFIX.length - keep) +
    original.slice(n - keep)
  ).split('');
  // Adjust the last free digit until the whole number passes Luhn; one position reaches every residue.
  const free = n - keep - 1;
  for (let d = 0; d < 10; d++) {
    digits[free] = String(d);
    if (luhnValid(digits.join(''))) break;
  }
  return reapplyLayout(value, digits.join(''));
}

/** Same length and classes: digits stay digits, letters stay letters of the same case. */
function mintShape(value: string, keepLast: number): string {
  const chars = Array.from(value);
  const alnum = chars.filter((c) => /[A-Za-z0-9]/.test(c)).length;
  if (alnum === 0) throw new NoFormatPreservingSpaceError();
  const keep = safeKeep(keepLast, alnum);
  let alnumLeft = alnum;
  return chars
    .map((c) => {
      if (!/[A-Za-z0-9]/.test(c)) return c;
      alnumLeft--;
      if (alnumLeft < keep) return c;
      if (/\d/.test(c)) return String(randomInt(10));
      const letter = String.fromCharCode(97 + randomInt(26));
      return c === c.toUpperCase() ? letter.toUpperCase() : letter;
    })
    .join('');
}

/** Puts new digits into the original's layout (spaces, dashes). */
function reapplyLayout(layout: string, digits: string): string {
  let i = 0;
  return layout.replace(/\d/g, () => digits[i++]);
}

function randomDigits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

/**
 * Substrings of a model's answer that may be format-preserving tokens, to look up in the vault:
 * 999-prefixed card numbers, `.invalid` emails, digit groups (phones, SSNs, accounts) and
 * alphanumeric codes that contain a digit. Bounded quantifiers keep the scan linear.
 */
const FP_CANDIDATES = new RegExp(
  [
    `\\b[a-z0-9]{10}@${FP_EMAIL_DOMAIN.replace('.', '\\.')}\\b`,
    `\\+?\\(?\\d[\\d ().-]{2,30}\\d`,
    `\\b(?=[A-Za-z-]{0,40}\\d)[A-Za-z0-9-]{5,40}\\b`,
  ].join('|'),
  'g',
);

export function formatPreservingCandidates(
  text: string,
  limit = 5000,
): { value: string; start: number; end: number }[] {
  const found: { value: string; start: number; end: number }[] = [];
  for (const match of text.matchAll(FP_CANDIDATES)) {
    found.push({ value: match[0], start: match.index, end: match.index + match[0].length });
    if (found.length >= limit) break;
  }
  return found;
}
