import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Random bytes from the CSPRNG, drawn from a 4 KB buffer that randomFillSync refills: one call
 * into OpenSSL per 4 KB instead of one per IV or token (randomFillSync was about 4% of
 * tokenize's CPU outside detection). Each byte is handed out once, as a copy. For values that
 * are not secret once used (IVs, token ids); keys come from randomBytes directly.
 */
export function pooledRandomBytes(length: number): Buffer {
  if (length > POOL_BYTES) return randomBytes(length);
  if (offset + length > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const bytes = Buffer.allocUnsafe(length);
  pool.copy(bytes, 0, offset, offset + length);
  offset += length;
  return bytes;
}
