import { randomBytes, randomInt } from 'node:crypto';
import { luhnValid } from '../../detection/validators/luhn';

/**
 * Format-preserving tokens: the token has the value's shape, so a model reads a card as a card.
 * Cards get an IIN in the 999 range, which no issuer uses, and stay Luhn-valid; emails land in the
 * reserved `.invalid` domain; other values keep every separator and character class.
 */
export const FP_EMAIL_DOMAIN = 'vault.invalid';
const CARD_PREFIX = '999';

export function mintFormatPreserving(entityType: string, value: string, keepLast: number): string {
  if (entityType === 'EMAIL_ADDRESS') return mintEmail();
  if (entityType === 'CREDIT_CARD') return mintCard(value, keepLast);
  return mintShape(value, keepLast);
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
  const keep = Math.min(keepLast, n - CARD_PREFIX.length - 2);
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
  let alnumLeft = chars.filter((c) => /[A-Za-z0-9]/.test(c)).length;
  return chars
    .map((c) => {
      if (!/[A-Za-z0-9]/.test(c)) return c;
      alnumLeft--;
      if (alnumLeft < keepLast) return c;
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
