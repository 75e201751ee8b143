import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { associatedData } from './aead';
import { AuditMac } from './audit-mac';

describe('audit MAC', () => {
  const master = randomBytes(32);
  const mac = new AuditMac(master);
  const TENANT = '6f1c1a9e-2b7d-4c3e-9a51-0d2e8f4b7c10';
  const OTHER = '6f1c1a9e-2b7d-4c3e-9a51-0d2e8f4b7c11';
  const HASH = 'ab'.repeat(32);
  const TIME = '2026-12-05T08:00:00.000Z';

  it('is the same under the same master key and differs under another', () => {
    expect(new AuditMac(master).link(TENANT, '{}').equals(mac.link(TENANT, '{}'))).toBe(true);
    expect(new AuditMac(randomBytes(32)).link(TENANT, '{}').equals(mac.link(TENANT, '{}'))).toBe(
      false,
    );
  });

  it('is not a plain hash of its input, nor keyed by the master key itself', () => {
    const text = '{"format":2}';
    const link = mac.link(TENANT, text);
    expect(link).toHaveLength(32);
    expect(link.equals(createHash('sha256').update(text).digest())).toBe(false);
    expect(link.equals(createHmac('sha256', master).update(text).digest())).toBe(false);
  });

  it('keeps the stored derivation: HKDF-SHA-256 (no salt, its info label), then HMAC-SHA-256', () => {
    // Rows already in audit chains were keyed with exactly this; changing it breaks every chain.
    const key = Buffer.from(
      hkdfSync('sha256', master, Buffer.alloc(0), 'pii-vault/audit-chain/v2', 32),
    );
    const expected = createHmac('sha256', key)
      .update(associatedData('audit-link', TENANT))
      .update('{"format":2}')
      .digest();
    expect(mac.link(TENANT, '{"format":2}').equals(expected)).toBe(true);
  });

  it('binds the tenant and keeps links and heads apart', () => {
    expect(mac.link(TENANT, 'x').equals(mac.link(OTHER, 'x'))).toBe(false);
    const head = mac.head(TENANT, '7', HASH, TIME);
    expect(mac.headMatches(TENANT, '7', HASH, TIME, head)).toBe(true);
    expect(mac.headMatches(OTHER, '7', HASH, TIME, head)).toBe(false);
    expect(mac.headMatches(TENANT, '8', HASH, TIME, head)).toBe(false);
    expect(mac.headMatches(TENANT, '7', 'cd'.repeat(32), TIME, head)).toBe(false);
    expect(mac.headMatches(TENANT, '7', HASH, '2026-12-05T08:00:00.001Z', head)).toBe(false);
    expect(mac.headMatches(TENANT, '7', HASH, TIME, head.subarray(0, 16))).toBe(false);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => new AuditMac(randomBytes(16))).toThrow(TypeError);
  });
});
