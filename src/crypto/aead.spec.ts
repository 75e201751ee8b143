import { randomBytes } from 'node:crypto';
import { associatedData, DecryptionError, open, seal } from './aead';

describe('AEAD (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const aad = associatedData('vault-value', 'tenant-1', '[EMAIL_ADDRESS_ABC123]', 'EMAIL_ADDRESS');

  it('round-trips a value and uses a fresh IV every time', () => {
    const a = seal(key, Buffer.from('ada@example.org'), aad);
    const b = seal(key, Buffer.from('ada@example.org'), aad);
    expect(open(key, a, aad).toString()).toBe('ada@example.org');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('refuses a ciphertext moved to another token, type or tenant', () => {
    const sealed = seal(key, Buffer.from('123-45-6789'), aad);
    for (const other of [
      associatedData('vault-value', 'tenant-2', '[EMAIL_ADDRESS_ABC123]', 'EMAIL_ADDRESS'),
      associatedData('vault-value', 'tenant-1', '[EMAIL_ADDRESS_ZZZ999]', 'EMAIL_ADDRESS'),
      associatedData('vault-value', 'tenant-1', '[EMAIL_ADDRESS_ABC123]', 'US_SSN'),
    ]) {
      expect(() => open(key, sealed, other)).toThrow(DecryptionError);
    }
  });

  it('refuses a tampered ciphertext or tag and a wrong key, with one generic error', () => {
    const sealed = seal(key, Buffer.from('4111111111111111'), aad);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] ^= 1;
    expect(() => open(key, { ...sealed, ciphertext: flipped }, aad)).toThrow('decryption failed');
    expect(() => open(key, { ...sealed, tag: randomBytes(16) }, aad)).toThrow(DecryptionError);
    expect(() => open(randomBytes(32), sealed, aad)).toThrow(DecryptionError);
  });

  it('encodes associated data unambiguously', () => {
    expect(associatedData('ab', 'c').equals(associatedData('a', 'bc'))).toBe(false);
  });

  it('keeps the stored AAD encoding: each field as a 4-byte big-endian length and its UTF-8', () => {
    // Ciphertexts already in vaults were sealed with exactly these bytes.
    expect(associatedData('vault-value', 'Zoë', '').toString('hex')).toBe(
      '0000000b' +
        Buffer.from('vault-value').toString('hex') +
        '00000004' +
        '5a6fc3ab' +
        '00000000',
    );
  });
});
