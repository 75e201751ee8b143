/** Types whose masked form keeps the last four characters (account-like numbers). */
const KEEP_LAST_FOUR = new Set([
  'CREDIT_CARD',
  'US_BANK_NUMBER',
  'IBAN_CODE',
  'US_SSN',
  'US_ITIN',
  'ABA_ROUTING_NUMBER',
  'US_DRIVER_LICENSE',
  'US_PASSPORT',
  'MEDICAL_RECORD_NUMBER',
  'HEALTH_PLAN_ID',
]);

const ALNUM = /[\p{L}\p{N}]/u;

/**
 * Type-aware masked form of a value: cards and account numbers keep their last four, emails keep
 * the domain, phones keep the last two digits, names keep initials; anything else is starred out.
 * Separators stay, so the shape still reads right.
 */
export function maskValue(entityType: string, value: string): string {
  if (entityType === 'EMAIL_ADDRESS') {
    const at = value.lastIndexOf('@');
    return at > 0 ? `${'*'.repeat(Math.min(at, 8))}${value.slice(at)}` : starOut(value, 0);
  }
  if (entityType === 'PERSON') return initials(value);
  if (entityType === 'PHONE_NUMBER') return starOut(value, 2);
  if (KEEP_LAST_FOUR.has(entityType)) return starOut(value, 4);
  return starOut(value, 0);
}

/** Replaces letters and digits with `*`, keeping the last `keep` of them and every separator. */
export function starOut(value: string, keep: number): string {
  const chars = Array.from(value);
  let alnumTotal = chars.filter((c) => ALNUM.test(c)).length;
  // Never keep so much that most of a short value shows.
  const kept = Math.min(keep, Math.floor(alnumTotal / 2));
  return chars
    .map((c) => {
      if (!ALNUM.test(c)) return c;
      alnumTotal--;
      return alnumTotal < kept ? c : '*';
    })
    .join('');
}

function initials(name: string): string {
  const parts = name.split(/\s+/).filter(Boolean);
  return parts.map((p) => `${Array.from(p)[0].toUpperCase()}.`).join(' ');
}
