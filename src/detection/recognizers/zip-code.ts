import { PatternRecognizer } from './pattern-recognizer';
import { STATE_CODE_ALTERNATION, STATE_NAME_ALTERNATION } from './us-states';

/** Street words (several languages) or "s/n": a postcode right after one sits in an address. */
const STREET_HINT =
  /\b(?:hospital|complejo|centro|cl[ií]nica|apartado|correos|universidad|facultad|edificio|urbanizaci[oó]n|pol[ií]gono|calle|avda|avenida|av|plaza|pza|paseo|carrer|camino|ctra|carretera|ronda|rúa|rua|rue|avenue|boulevard|bd|chemin|via|viale|piazza|corso|straße|strasse|str|weg|gasse|platz|allee|straat|laan|gracht|street|st|road|rd|lane|ln|drive|dr|ave|blvd|no|ul|ulica|aleja|travessa|alameda|estrada|rodovia|largo|pra[çc]a)\b|\b(?:c|av|s)\/|nº|n°|\d[ \t]*[ºª]|str\.|straße|strasse|weg\b/i;

/**
 * Postcodes: US ZIP after a state or near a ZIP/postal word ("billing ZIP 94107"); UK
 * ("SW1A 1AA"), Canadian ("K1A 0B1") and Irish ("D02 X285") by their shape; a continental postcode
 * before its town after a street ("Calle Mayor 12, 28013 Madrid", "E-28015 Madrid", "1012 AB
 * Amsterdam", "Rua Augusta 5, 1100-048 Lisboa", "ul. Prosta 20, 00-850 Warszawa"); one after its
 * town after a street ("MG Road, Bengaluru 560001", "Springfield 62704-1234"); bare 4–6 digit and
 * other shapes only near a postcode word ("CP: 28016", "PLZ 8001", "C1059ABG", "PIN code 110001").
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
    'pincode',
    'pin code',
    'cep',
    'kod pocztowy',
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
      // 12345 (most of Europe), 1234-567 (Portugal), 12345-678 (Brazil), 12-345 (Poland), 1234
      // (Austria, Switzerland, Belgium, the Nordics): only the first stands alone (see validate).
      name: 'postcode_before_town',
      minDigits: 2,
      regex:
        /(?<![\w.$€£,/-])(?:[A-Z]{1,2}-)?(?:\d{4,5}(?:-\d{3})?|\d{2}-\d{3})(?=[,.]?[ \t]{0,2}(?:-[ \t]{0,2})?\p{Lu}\p{Ll})/gu,
      score: 0.4,
      requires: /\d{2}[,.]?[ \t]{0,2}-?[ \t]{0,2}\p{Lu}\p{Ll}/u,
    },
    {
      // India's PIN ("Bengaluru 560001", "Mumbai - 400 001"), Brazil's CEP and the US ZIP+4 after
      // their town; kept only after a street (see validate) or near a postcode word.
      name: 'postcode_after_town',
      minDigits: 3,
      regex:
        /(?<=\p{Lu}\p{Ll}{2,30},?[ \t]{1,2}(?:-[ \t]{1,2})?)(?:[1-9]\d{2}[ \t]?\d{3}|\d{5}-\d{3,4})(?![\w-]|[.,]\d)/gu,
      score: 0.4,
      requires: /\p{Ll},?[ \t]{1,2}-?[ \t]{0,2}\d{3}/u,
    },
    {
      name: 'postcode_6_digits',
      minDigits: 3,
      regex: /(?<![\w.$€£*#-])[1-9]\d{2}[ \t]?\d{3}(?![\w-]|[.,]\d)/g,
      score: 0.4,
      requiresContext: true,
      context: ['pincode', 'pin code', 'postal code', 'postcode', 'post code', 'zip'],
    },
    {
      // Eircode: routing key (a letter and two digits, or D6W), then four characters.
      name: 'irish_eircode',
      regex: /(?<![\w-])(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \t]?[0-9AC-FHKNPRTV-Y]{4}(?![\w-])/g,
      score: 0.6,
      requires: /[AC-FHKNPRTV-Y]\d{2}[ \t]?[0-9AC-FHKNPRTV-Y]{4}/,
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
    if (patternName === 'postcode_before_town' || patternName === 'postcode_after_town') {
      // After a street ("Avda. de Elvas s/n. 06080 Badajoz"), it is a postcode; else context decides.
      const before = text.slice(Math.max(0, start - 80), start);
      const afterStreet = STREET_HINT.test(before);
      // Four digits or a dashed shape before a town ("In 2019 Madrid", "pages 12-345 Smith") is a
      // postcode only as an address line's next part: after a comma or a line break.
      // After its town, the town is an address part of its own: a comma within the line before.
      const linePart =
        patternName === 'postcode_after_town'
          ? /,[^,\n]{1,40}$/.test(before)
          : /^(?:[A-Z]{1,2}-)?\d{5}$/.test(value) || /(?:,|\n)[ \t]{0,2}$/.test(before);
      if (afterStreet && linePart) return 0.65;
      return { score: 0.4, requiresContext: true };
    }
    if (patternName === 'irish_eircode') {
      // "D02 X285": the space and a letter in the last four; other forms need a postcode word.
      return /[ \t]/.test(value) && /[A-Z]/.test(value.slice(-4))
        ? 'keep'
        : { score: 0.4, requiresContext: true };
    }
    if (patternName === 'uk_postcode' || patternName === 'canadian_postcode') {
      // Without the space ("SW1A1AA") the shape is weaker: a postcode word must be near.
      return /[ \t-]/.test(value) ? 'keep' : { score: 0.4, requiresContext: true };
    }
    return 'keep';
  },
});
