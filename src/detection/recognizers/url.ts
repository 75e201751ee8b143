import { PatternRecognizer } from './pattern-recognizer';

const TRAILING_PUNCT = /[.,;:!?'"*_]+$/;

/** Trims sentence punctuation and unbalanced closing brackets off the end of a URL. */
export function trimUrl(value: string): string {
  let v = value.replace(TRAILING_PUNCT, '');
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ]) {
    while (v.endsWith(close) && v.split(open).length < v.split(close).length)
      v = v.slice(0, -1).replace(TRAILING_PUNCT, '');
  }
  return v;
}

const COMMON_TLDS =
  'com|org|net|edu|gov|mil|io|co|us|uk|de|fr|es|it|nl|ca|au|in|jp|cn|br|mx|ch|se|no|dk|fi|pl|ru|info|biz|app|dev|ai|me|tv|health|clinic|bank|shop';

/** Web addresses: with a scheme, starting "www.", or a bare domain with a common TLD and a path. */
export const urlRecognizer = new PatternRecognizer({
  name: 'UrlRecognizer',
  type: 'URL',
  context: ['url', 'link', 'website', 'site', 'visit', 'http', 'https'],
  patterns: [
    {
      name: 'url_scheme',
      regex: /\b(?:https?|ftp|sftp|wss?):\/\/[^\s<>"'`{}|\\^]{1,2048}/gi,
      score: 0.85,
      requires: '://',
    },
    {
      name: 'url_www',
      regex:
        /(?<![\w.@/-])www\.[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,6}(?:[/?#][^\s<>"'`{}|\\^]{0,2048})?/gi,
      score: 0.8,
      requires: /www\./i,
    },
    {
      name: 'url_bare_domain',
      regex: new RegExp(
        `(?<![\\w.@/:-])[a-z0-9][a-z0-9-]{0,62}(?:\\.[a-z0-9-]{1,63}){0,4}\\.(?:${COMMON_TLDS})(?:/[^\\s<>"'\`{}|\\\\^]{0,2048})(?![\\w@])`,
        'gi',
      ),
      score: 0.6,
      // Every match has a TLD (2-6 letters) right before its path.
      requires: /\.[a-z]{2,6}\//i,
    },
  ],
  trimEnd: trimUrl,
  validate: (value, text, start) => {
    if (value.length < 8 || text[start - 1] === '@') return 'drop';
    return 'keep';
  },
});
