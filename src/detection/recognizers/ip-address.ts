import { ipv4Valid, ipv6Valid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** IPv4 and IPv6 addresses, validated by node:net; version strings are rejected. */
export const ipAddressRecognizer = new PatternRecognizer({
  name: 'IpRecognizer',
  type: 'IP_ADDRESS',
  context: [
    'ip',
    'ip address',
    'ipv4',
    'ipv6',
    'address',
    'host',
    'client',
    'server',
    'from',
    'src',
    'dst',
  ],
  patterns: [
    {
      name: 'ipv4',
      minDigits: 1,
      regex: /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?(?![\w]|\.\d)/g,
      score: 0.9,
      requires: /\d\.\d{1,3}\.\d{1,3}\.\d/,
    },
    {
      name: 'ipv6',
      regex:
        /(?<![\w:.])(?=[0-9a-f:]{0,5}:)[0-9a-f:]{2,39}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?:%[\w]{1,16})?(?![\w:])/gi,
      score: 0.9,
      requires: ':',
    },
  ],
  validate: (value, text, start, pattern) => {
    const address = value.replace(/\/\d{1,2}$|%\w+$/, '');
    const before = text.slice(Math.max(0, start - 12), start).toLowerCase();
    if (pattern === 'ipv4') {
      if (!ipv4Valid(address)) return 'drop';
      if (/\b(?:v|version|ver\.?|build|release)\s*$/.test(before)) return 'drop';
      // "Chrome/123.8.2.4": a product's version in a user agent (a capitalised name, then /).
      if (/\b[A-Z][A-Za-z]+\/$/.test(text.slice(Math.max(0, start - 24), start))) return 'drop';
      return 'keep';
    }
    if (!ipv6Valid(address) || !/\d/.test(address)) return 'drop';
    const groups = address.split(':').length;
    if (!address.includes('::') && groups < 8) return 'drop';
    if (address.includes('::') && groups < 3) return 'drop';
    return 'keep';
  },
});
