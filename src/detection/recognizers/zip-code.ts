import { PatternRecognizer } from './pattern-recognizer';
import { STATE_CODE_ALTERNATION, STATE_NAME_ALTERNATION } from './us-states';

/** Street words (several languages) or "s/n": a postcode right after one sits in an address. */
const STREET_HINT =
  /\b(?:hospital|complejo|centro|cl[ií]nica|apartado|correos|universidad|facultad|edificio|urbanizaci[oó]n|pol[ií]gono|calle|avda|avenida|av|plaza|pza|paseo|carrer|camino|ctra|carretera|ronda|rúa|rua|rue|avenue|boulevard|bd|chemin|via|viale|piazza|corso|straße|strasse|str|weg|gasse|platz|allee|straat|laan|gracht|street|st|road|rd|lane|ln|drive|dr|no)\b|\b(?:c|av|s)\/|nº|n°|\d[ \t]*[ºª]|str\.|straße|strasse|weg\b/i;

/**
 * Postcodes: US ZIP after a state or near a ZIP/postal word ("billing ZIP 94107"); UK
 * ("SW1A 1AA") and Canadian ("K1A 0B1") by their shape; a continental postcode before its town
 * after a street ("Calle Mayor 12, 28013 Madrid", "E-28015 Madrid", "1012 AB Amsterdam"); bare
 * 4–5 digit and other shapes only near a postcode word ("CP: 28016", "PLZ 8001", "C1059ABG").
 */
export const zipCodeRecognizer = new PatternRecognizer({
  name: 'ZipCodeRecognizer',
  type: 'ZIP_CODE',
  minDigits: 1,
  context: [
    'zip',
    'zipcode',
    'zip code',
    'postal',
    'postal code',
    'postcode',
    'post code',
    'mailing',
    'cp',
    'c.p',
    'código postal',
    'codigo postal',
    'plz',
    'postleitzahl',
    'code postal',
    'cap',
    'postcode',
    'eircode',
  ],
  patterns: [
    {
      name: 'zip_after_state',
      minDigits: 5,
      regex: new RegExp(
        `(?=\\d{5})(?<=\\b(?:${STATE_CODE_ALTERNATION}|${STATE_NAME_ALTERNATION})\\.?,?\\s{1,2})\\d{5}(?:-\\d{4})?(?![\\w-]|\\.\\d)`,
        'g',
      ),
      score: 0.85,
      // A state ends in a letter; every match has it right before the five digits.
      requires: /[A-Za-z]\.?,?\s{1,2}\d{5}/,
    },
    {
      name: 'zip_bare',
      minDigits: 5,
      regex: /(?<![\w.$€£*#-])\d{5}(?:-\d{4})?(?![\w-]|\.\d)/g,
      score: 0.4,
      requiresContext: true,
    },
    {
      name: 'postcode_4_digits',
      minDigits: 4,
      regex: /(?<![\w.,$€£/:*#-])\d{4}(?![\w-]|[.,:/]\d)/g,
      score: 0.4,
      requiresContext: true,
    },
    {
      name: 'postcode_before_town',
      minDigits: 5,
      regex:
        /(?<![\w.$€£,/-])(?:[A-Z]{1,2}-)?\d{5}(?=[,.]?[ \t]{0,2}(?:-[ \t]{0,2})?\p{Lu}\p{Ll})/gu,
      score: 0.4,
      requires: /\d{5}[,.]?[ \t]{0,2}-?[ \t]{0,2}\p{Lu}/u,
    },
    {
      name: 'uk_postcode',
      regex: /(?<![\w-])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \t]?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])/g,
      score: 0.6,
      requires: /\d[ABD-HJLNP-UW-Z]{2}/,
    },
    {
      name: 'canadian_postcode',
      regex:
        /(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t-]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])/g,
      score: 0.6,
      requires: /[A-Z]\d[A-Z]/,
    },
    {
      name: 'dutch_postcode',
      minDigits: 4,
      regex: /(?<![\w-])[1-9]\d{3}[ \t]?[A-Z]{2}(?=[ \t]{1,2}\p{Lu}\p{Ll})/gu,
      score: 0.6,
      requires: /\d[ \t]?[A-Z]{2}[ \t]/,
    },
    {
      name: 'argentine_cpa',
      minDigits: 4,
      regex: /(?<![\w-])[A-HJ-NP-Z]\d{4}[A-Z]{3}(?![\w-])/g,
      score: 0.4,
      requiresContext: true,
    },
  ],
  validate: (value, text, start, patternName) => {
    if (/^0{4,5}$/.test(value.replace(/\D/g, ''))) return 'drop';
    if (patternName === 'postcode_before_town') {
      // After a street ("Avda. de Elvas s/n. 06080 Badajoz"), it is a postcode; else context decides.
      const before = text.slice(Math.max(0, start - 80), start);
      return STREET_HINT.test(before) ? 0.65 : { score: 0.4, requiresContext: true };
    }
    if (patternName === 'uk_postcode' || patternName === 'canadian_postcode') {
      // Without the space ("SW1A1AA") the shape is weaker: a postcode word must be near.
      return /[ \t-]/.test(value) ? 'keep' : { score: 0.4, requiresContext: true };
    }
    return 'keep';
  },
});
