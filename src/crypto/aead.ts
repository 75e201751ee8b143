import { createCipheriv, createDecipheriv } from 'node:crypto';
import { registerErrorClass } from '../common/error-registry';
import { ErrorCode } from '../common/errors';
import { pooledRandomBytes } from './random-pool';

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/** Raised for any failed decryption; deliberately says nothing about why. */
export class DecryptionError extends Error {
  constructor() {
    super('decryption failed');
  }
}

// A stored value that does not open under its tenant's key: the key is wrong or unavailable.
registerErrorClass(
  DecryptionError,
  ErrorCode.KeyUnavailable,
  'The vault key for this tenant is unavailable',
);

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a fresh 96-bit IV per call and associated data bound to the ciphertext. */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new DecryptionError();
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

/** Unambiguous AAD encoding: length-prefixed fields, so ("ab","c") differs from ("a","bc"). */
export function associatedData(...fields: string[]): Buffer {
  let size = 0;
  for (const field of fields) size += 4 + Buffer.byteLength(field, 'utf8');
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const field of fields) {
    const length = out.write(field, at + 4, 'utf8');
    out.writeUInt32BE(length, at);
    at += 4 + length;
  }
  return out;
}
