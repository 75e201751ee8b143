import { randomBytes } from 'node:crypto';

/** `pvk_<lookup id>_<secret>`: the lookup id finds one row, so verifying costs one argon2 hash. */
const KEY_PATTERN = /^pvk_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lookup id of a bootstrap key chosen by the operator, which need not follow our format. */
export const BOOTSTRAP_LOOKUP_ID = 'bootstrap-admin';

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

export function parseApiKey(key: string): ParsedApiKey {
  const match = KEY_PATTERN.exec(key);
  if (match) return { lookupId: match[1], secret: match[2] };
  return { lookupId: BOOTSTRAP_LOOKUP_ID, secret: key };
}
