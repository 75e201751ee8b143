import { PatternRecognizer } from './pattern-recognizer';

/**
 * @handles (Twitter/X, GitHub, Slack, Instagram, Mastodon's local part): an account identifier,
 * reported as USERNAME rather than as the PERSON or ORGANIZATION that may own it. The @ must
 * not follow a word character, so e-mail addresses (ann@x.io) do not match.
 */
export const usernameRecognizer = new PatternRecognizer({
  name: 'UsernameRecognizer',
  type: 'USERNAME',
  patterns: [
    {
      name: 'at_handle',
      // One run of handle characters: no nested quantifier. A trailing dot or hyphen is not part.
      regex: /(?<![\w@.+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])?(?![\w@]|\.\w)/g,
      score: 0.7,
      requires: '@',
    },
  ],
  validate: (value) => (/^@\d+$/.test(value) ? 'drop' : 'keep'),
});
