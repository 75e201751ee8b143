import { PatternRecognizer } from './pattern-recognizer';

/** One word of a merchant name as card statements print it (any case, digits, & ' . -). */
const WORD = "[A-Za-z0-9][A-Za-z0-9&'.-]{0,24}";

const TRAILING_WORD =
  /[ ](?:twice|again|today|yesterday|tomorrow|last|this|for|on|and|but|so|in|at|with|the|my|a|an|it|me|us|them|too|also|now|already|every|each|month|week|year|without|instead)$/i;

/**
 * Organisations where case gives no clue: card statement descriptors ("SQ *BLUE BOTTLE COFFEE",
 * "PAYPAL *NETFLIX", "POS PURCHASE WALGREENS 1234") and merchants named after a label in chat
 * ("merchant: acme bikes", "charged by kestrel mutual"). The name is the words after the
 * processor prefix or label, up to four, without a trailing store number.
 */
export const orgDescriptorRecognizer = new PatternRecognizer({
  name: 'OrgDescriptorRecognizer',
  type: 'ORGANIZATION',
  patterns: [
    {
      name: 'processor_prefix',
      regex: new RegExp(
        `(?<![A-Za-z0-9*])(?:SQ|TST|PAYPAL|PP|SP|DD|CKE|GOOGLE|AMZN|APL|WPY|PY|FS|BT|IN)[ \\t]?\\*[ \\t]?(${WORD}(?:[ ]${WORD}){0,3})`,
        'gd',
      ),
      group: 1,
      score: 0.6,
      requires: '*',
    },
    {
      name: 'statement_line',
      regex: new RegExp(
        `(?<=\\b(?:POS PURCHASE|POS|DEBIT CARD PURCHASE|CARD PURCHASE|ACH DEBIT|RECURRING PAYMENT|CHECKCARD \\d{4})[ \\t]{1,2}(?:-[ \\t]{1,2})?)(?!PURCHASE\\b)[A-Z][A-Z0-9&'.-]{1,24}(?:[ ][A-Z][A-Z0-9&'.-]{1,24}){0,3}`,
        'g',
      ),
      score: 0.55,
      requires: /\b(?:POS|PURCHASE|ACH DEBIT|RECURRING PAYMENT|CHECKCARD)\b/,
    },
    {
      name: 'merchant_label',
      regex: new RegExp(
        `(?<=\\b(?:[Mm]erchant|[Vv]endor|[Pp]ayee|[Cc]harged by|[Cc]harge from|[Bb]illed by)[ \\t]{0,2}:?[ \\t]{1,2})${WORD}(?:[ ]${WORD}){0,3}`,
        'g',
      ),
      score: 0.55,
      requires: /(?:erchant|endor|ayee|harged by|harge from|illed by)/,
    },
  ],
  // "WALGREENS #1234 CHICAGO IL": the store number and what follows are not the name.
  trimEnd: (value) => {
    let v = value.replace(/(?:[ ]+(?:#?\d[\d-]*|[A-Z]{2}))+$/, '').replace(/[ .,-]+$/, '');
    // "charged by kestrel mutual twice": ordinary words after a lower-case name are not part of it.
    for (let m = TRAILING_WORD.exec(v); m && m.index > 0; m = TRAILING_WORD.exec(v))
      v = v.slice(0, m.index);
    return v;
  },
  validate: (value) => (/\p{L}{2}/u.test(value) ? 'keep' : 'drop'),
});
