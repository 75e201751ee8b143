import { createHmac, createSecretKey, hkdfSync, KeyObject, timingSafeEqual } from 'node:crypto';
import { associatedData } from './aead';

/** HKDF info of the audit key: no other key is derived under this label. */
const AUDIT_KEY_INFO = 'pii-vault/audit-chain/v2';
const MAC_BYTES = 32;

/**
 * HMAC-SHA-256 for the audit trail under a key derived from the master key (HKDF-SHA-256, its own
 * info label), so whoever can write the database but does not hold the master key can neither
 * re-chain edited rows nor sign a chain head. Every input starts with a length-prefixed purpose
 * and tenant id: a link MAC never verifies as a head MAC, and nothing moves between tenants.
 */
export class AuditMac {
  private readonly key: KeyObject;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new TypeError('audit key: the master key must be 32 bytes');
    const derived = hkdfSync('sha256', masterKey, Buffer.alloc(0), AUDIT_KEY_INFO, MAC_BYTES);
    this.key = createSecretKey(Buffer.from(derived));
  }

  /** The MAC of one chain link: `encoded` is its canonical text (which names the tenant too). */
  link(tenantId: string, encoded: string): Buffer {
    return createHmac('sha256', this.key)
      .update(associatedData('audit-link', tenantId))
      .update(encoded, 'utf8')
      .digest();
  }

  /** The MAC of an exported chain head: the tenant's chain had row `seq` with `hash` at `time`. */
  head(tenantId: string, seq: string, hash: string, time: string): Buffer {
    return createHmac('sha256', this.key)
      .update(associatedData('audit-head', tenantId, seq, hash, time))
      .digest();
  }

  /** Constant-time check of a head MAC handed back by an operator. */
  headMatches(tenantId: string, seq: string, hash: string, time: string, mac: Buffer): boolean {
    const expected = this.head(tenantId, seq, hash, time);
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  }
}
