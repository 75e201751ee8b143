import { base58CheckValid, bech32Valid, eip55Verdict } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** Crypto wallet addresses: Bitcoin base58check and bech32/bech32m, Ethereum with EIP-55. */
export const cryptoWalletRecognizer = new PatternRecognizer({
  name: 'CryptoRecognizer',
  type: 'CRYPTO',
  minDigits: 1,
  context: [
    'wallet',
    'bitcoin',
    'btc',
    'ethereum',
    'eth',
    'crypto',
    'address',
    'send',
    'usdt',
    'usdc',
  ],
  patterns: [
    { name: 'btc_base58', regex: /\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b/g, score: 0.5 },
    {
      name: 'btc_bech32',
      regex: /\b(?:bc1|tb1)[02-9ac-hj-np-z]{6,87}\b|\b(?:BC1|TB1)[02-9AC-HJ-NP-Z]{6,87}\b/g,
      score: 0.5,
    },
    { name: 'eth_address', regex: /\b0x[0-9a-fA-F]{40}\b/g, score: 0.5 },
  ],
  validate: (value, _text, _start, pattern) => {
    if (pattern === 'btc_base58') return base58CheckValid(value) ? 1 : 'drop';
    if (pattern === 'btc_bech32') return bech32Valid(value) ? 1 : 'drop';
    const verdict = eip55Verdict(value);
    if (verdict === 'invalid') return 'drop';
    return verdict === 'checksummed' ? 1 : 0.7;
  },
});
