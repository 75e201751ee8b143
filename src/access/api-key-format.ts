import { createHash, randomBytes } from 'node:crypto';

/** `pvk_<lookup id>_<secret>`: the lookup id finds one row, so verifying costs one argon2 hash. */
const KEY_PATTERN = /^pvk_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * Lookup id that versions before 0.2 gave a bootstrap key chosen by the operator: every key not in
 * our format then had to be checked with argon2. Start-up moves such a row to its derived id.
 */
export const LEGACY_BOOTSTRAP_LOOKUP_ID = 'bootstrap-admin';
/** An operator-chosen bootstrap key is at least this long (PII_VAULT_BOOTSTRAP_ADMIN_KEY). */
const CUSTOM_KEY_MIN_LENGTH = 24;

export interface ParsedApiKey {
  lookupId: string;
  secret: string;
}

export function generateApiKey(): { key: string } & ParsedApiKey {
  const id = randomBytes(16);
  let lookupId = '';
  for (let i = 0; i < 16; i++) lookupId += BASE32[id[i] & 31];
  const secret = randomBytes(32).toString('base64url');
  return { key: `pvk_${lookupId}_${secret}`, lookupId, secret };
}

/**
 * The lookup id and secret of a presented key; undefined for a key that cannot be one of ours
 * (it is refused without any hashing). A key outside our format can only be an operator-chosen
 * bootstrap key: its lookup id is derived from a SHA-256 of the key, so a wrong one finds no row
 * and costs no argon2, while 64 bits of a hash of a 24+ character secret tell an attacker nothing
 * the argon2 hash would not.
 */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (match) return { lookupId: match[1], secret: match[2] };
  if (key.startsWith('pvk_') || key.length < CUSTOM_KEY_MIN_LENGTH) return undefined;
  return { lookupId: customLookupId(key), secret: key };
}

function customLookupId(key: string): string {
  return `bootstrap-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
