import { PatternRecognizer } from './pattern-recognizer';

/** MAC addresses in colon, dash or Cisco dotted notation. */
export const macAddressRecognizer = new PatternRecognizer({
  name: 'MacAddressRecognizer',
  type: 'MAC_ADDRESS',
  context: [
    'mac',
    'mac address',
    'hardware address',
    'ethernet',
    'wifi',
    'device',
    'hwaddr',
    'bssid',
  ],
  patterns: [
    {
      name: 'mac_colon',
      regex: /(?<![\w:-])[0-9a-f]{2}(?::[0-9a-f]{2}){5}(?![\w:-])/gi,
      score: 0.85,
      requires: ':',
    },
    {
      name: 'mac_dash',
      regex: /(?<![\w:-])[0-9a-f]{2}(?:-[0-9a-f]{2}){5}(?![\w:-])/gi,
      score: 0.85,
      requires: '-',
    },
    {
      name: 'mac_cisco',
      regex: /(?<![\w.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![\w.])/gi,
      score: 0.7,
      requires: /\.[0-9a-f]{4}\./i,
    },
  ],
  validate: (value) => {
    const hex = value.replace(/[^0-9a-f]/gi, '');
    if (/^0+$/.test(hex) || (!/[a-f]/i.test(hex) && /^\d{2}(?::\d{2}){5}$/.test(value))) return 0.5;
    return 'keep';
  },
});
