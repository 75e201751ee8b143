import { keccak256 } from 'js-sha3';

/**
 * EIP-55 mixed-case checksum. All-lowercase or all-uppercase addresses carry no checksum and
 * are accepted as unchecked; a mixed-case address must match its Keccak-256 casing.
 */
export function eip55Verdict(address: string): 'checksummed' | 'unchecked' | 'invalid' {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return 'invalid';
  const hex = address.slice(2);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return 'unchecked';
  const hash = keccak256(hex.toLowerCase());
  for (let i = 0; i < 40; i++) {
    const ch = hex[i];
    if (ch >= '0' && ch <= '9') continue;
    const upper = parseInt(hash[i], 16) >= 8;
    if (upper !== (ch === ch.toUpperCase())) return 'invalid';
  }
  return 'checksummed';
}
