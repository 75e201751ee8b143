import { PatternRecognizer } from './pattern-recognizer';

const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
/** Month names in the languages the product sees most (de, fr, es, it, nl, pt). */
const FOREIGN_MONTH =
  '(?:Januar|Jänner|Februar|März|Maerz|Mai|Juni|Juli|Oktober|Dezember|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|april|mei|augustus|oktober|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)';
const WEEKDAY =
  '(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:rs(?:day)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const YEAR = '(?:1[89]\\d{2}|20\\d{2})';
const TIME =
  '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:[.,]\\d{1,9})?)?(?:\\s?[AaPp]\\.?[Mm]\\.?)?';
const TZ = '(?:\\s?(?:Z|UTC|GMT|[ECMP][SD]T|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d))?';

function re(source: string, flags = 'g'): RegExp {
  return new RegExp(source, flags);
}

/**
 * Pre-filters (see Pattern.requires): a part every match contains, starting with a month name
 * or a digit, so the engine's quick scan rejects most texts before the full pattern (whose
 * lookbehinds are tried at every position) runs.
 */
const MONTH_THEN_DIGIT = re(`${MONTH}\\.?,?\\s{1,2}\\d`, 'i');
const DIGIT_THEN_FOREIGN_MONTH = re(
  `\\d(?:\\.|er|º|°)?\\s{1,2}(?:de\\s{1,2})?${FOREIGN_MONTH}`,
  'iu',
);
const DIGIT_THEN_MONTH = re(`\\d(?:st|nd|rd|th)?(?:\\s{1,2}of)?[\\s-]{1,2}${MONTH}`, 'i');

/**
 * Dates and date-times in common written and numeric forms, English and European month names,
 * ISO and access-log timestamps. A bare time of day, a year alone or a weekday is not a date
 * (scores under the default threshold); versions, prices and ids are rejected.
 */
export const dateTimeRecognizer = new PatternRecognizer({
  name: 'DateTimeRecognizer',
  type: 'DATE_TIME',
  minDigits: 1,
  context: [
    'date',
    'dob',
    'd.o.b',
    'born',
    'birth',
    'birthday',
    'date of birth',
    'admitted',
    'discharged',
    'visit',
    'appointment',
    'since',
    'expires',
    'exp',
    'dated',
  ],
  patterns: [
    {
      name: 'iso_datetime',
      minDigits: 4,
      regex: re(
        `(?<![\\w.:/-])${YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])(?:[T ]${TIME}${TZ})?(?![\\w-]|[.:/]\\d)`,
      ),
      score: 0.85,
    },
    {
      name: 'numeric_date',
      regex: re(
        `(?<![\\w.:/$€£-])(?:0?[1-9]|[12]\\d|3[01])([/.-])(?:0?[1-9]|[12]\\d|3[01])\\1(?:${YEAR}|\\d{2})(?:,?\\s${TIME}${TZ})?(?![\\w-]|[.:/]\\d)`,
      ),
      score: 0.6,
    },
    {
      name: 'ymd_slash',
      minDigits: 4,
      regex: re(
        `(?<![\\w.:/-])${YEAR}/(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\\d|3[01])(?![\\w/-]|\\.\\d)`,
      ),
      score: 0.75,
    },
    {
      name: 'month_day_year',
      minDigits: 4,
      regex: re(
        `\\b(?:${WEEKDAY},?\\s{1,2})?${MONTH}\\.?\\s{1,2}${DAY},?\\s{1,2}${YEAR}(?:,?\\s{1,2}(?:at\\s{1,2})?${TIME}${TZ})?\\b`,
        'gi',
      ),
      score: 0.85,
      requires: MONTH_THEN_DIGIT,
    },
    {
      name: 'day_month_year',
      minDigits: 4,
      regex: re(
        `\\b(?:${WEEKDAY},?\\s{1,2})?${DAY}(?:\\s{1,2}of)?[\\s-]{1,2}${MONTH}\\.?[\\s,-]{1,3}${YEAR}(?:,?\\s{1,2}${TIME}${TZ})?\\b`,
        'gi',
      ),
      score: 0.85,
      requires: DIGIT_THEN_MONTH,
    },
    {
      name: 'foreign_day_month_year',
      minDigits: 4,
      regex: re(
        `(?<![\\p{L}\\p{N}])(?:[12]\\d|3[01]|0?[1-9])(?:\\.|er|º|°)?\\s{1,2}(?:de\\s{1,2})?${FOREIGN_MONTH}\\.?\\s{1,2}(?:de\\s{1,2}|del\\s{1,2})?${YEAR}(?![\\p{L}\\p{N}])`,
        'giu',
      ),
      score: 0.85,
      requires: DIGIT_THEN_FOREIGN_MONTH,
    },
    {
      // "abril 2006", "febrero de 2012", "enero del 2011", "mars 2020", "Juni 2019"
      name: 'foreign_month_year',
      minDigits: 4,
      // A consumed boundary and a group rather than a leading lookbehind (faster in V8).
      regex: re(
        `(?:^|[^\\p{L}\\p{N}])(${FOREIGN_MONTH}\\.?,?\\s{1,2}(?:de\\s{1,2}|del\\s{1,2})?${YEAR})(?![\\p{L}\\p{N}])`,
        'dgiu',
      ),
      group: 1,
      score: 0.6,
      requires: re(`${FOREIGN_MONTH}\\.?,?\\s{1,2}(?:de\\s{1,2}|del\\s{1,2})?[12]\\d{3}`, 'iu'),
    },
    {
      // "3 de marzo", "15. März", "le 3 mars", "2 maggio": written out, without a year
      name: 'foreign_day_month',
      regex: re(
        `(?:^|[^\\p{L}\\p{N}.,])((?:[12]\\d|3[01]|0?[1-9])(?:\\.|er|º|°)?\\s{1,2}(?:de\\s{1,2})?${FOREIGN_MONTH})(?![\\p{L}\\p{N}])`,
        'dgiu',
      ),
      group: 1,
      score: 0.55,
      requires: DIGIT_THEN_FOREIGN_MONTH,
    },
    {
      // "30-marzo-2004", "4-Jul-21"
      name: 'day_month_year_hyphen',
      regex: re(
        `(?<![\\p{L}\\p{N}-])(?:[12]\\d|3[01]|0?[1-9])-(?:${FOREIGN_MONTH}|${MONTH})\\.?-(?:${YEAR}|\\d{2})(?![\\p{L}\\p{N}-])`,
        'giu',
      ),
      score: 0.8,
      requires: /\d-\p{L}{3,10}\.?-\d/u,
    },
    {
      // "the third of March", "twenty-first of June 2024"
      name: 'ordinal_word_of_month',
      minDigits: 0,
      regex: re(
        `\\b(?:(?:twenty|thirty)-?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)\\s{1,2}of\\s{1,2}${MONTH}\\b(?:,?\\s{1,2}${YEAR}\\b)?`,
        'gi',
      ),
      score: 0.7,
      requires: re(`(?:st|nd|rd|th|tieth)\\s{1,2}of\\s{1,2}${MONTH}`, 'i'),
    },
    {
      name: 'access_log',
      minDigits: 4,
      regex: re(
        `(?<![\\w/])(?:0[1-9]|[12]\\d|3[01])/${MONTH}/${YEAR}(?::${TIME})?(?:\\s[+-]\\d{4})?`,
        'g',
      ),
      score: 0.9,
      requires: re(`/${MONTH}/`, ''),
    },
    {
      name: 'month_year',
      minDigits: 4,
      regex: re(`\\b${MONTH}\\.?,?\\s{1,2}${YEAR}\\b`, 'gi'),
      score: 0.6,
      requires: MONTH_THEN_DIGIT,
    },
    {
      name: 'month_day',
      regex: re(`\\b(?:${WEEKDAY},?\\s{1,2})?${MONTH}\\.?\\s{1,2}${DAY}\\b(?!:|\\s?\\d)`, 'g'),
      score: 0.6,
      requires: MONTH_THEN_DIGIT,
    },
    {
      name: 'day_month',
      regex: re(`\\b${DAY}(?:\\s{1,2}of)?\\s{1,2}${MONTH}\\b(?![\\s,-]{1,3}\\d)`, 'g'),
      score: 0.55,
      requires: DIGIT_THEN_MONTH,
    },
    {
      name: 'time_12h',
      regex: re(
        `(?<![\\w:.])(?:1[0-2]|0?[1-9])(?::[0-5]\\d)?\\s?[AaPp]\\.?[Mm]\\b\\.?(?:\\s?(?:[ECMP][SD]T|UTC|GMT))?`,
        'g',
      ),
      score: 0.3,
      requires: /\d\s?[AaPp]\.?[Mm]/,
      context: [],
    },
    {
      name: 'time_24h',
      minDigits: 2,
      regex: re(
        `(?<![\\w:.$/-])(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,6})?)?(?![\\w:]|\\.\\d)`,
        'g',
      ),
      score: 0.3,
      context: [],
    },
  ],
  trimEnd: (value) => value.replace(/\s+$/, ''),
  validate: (value, text, start, pattern) => {
    const before = text.slice(Math.max(0, start - 10), start).toLowerCase();
    // "v1.2.2023", "version 10.12.20", "build 3-4-21": versions and build numbers, not dates.
    if (/(?:\b(?:v|version|ver\.?|build|release|rev\.?)|#)\s*$/.test(before)) return 'drop';
    if (pattern === 'numeric_date') return numericDateVerdict(value);
    if (pattern === 'month_day' || pattern === 'day_month')
      return monthIsAnotherWord(value) ? 'drop' : 'keep';
    if (pattern === 'ordinal_word_of_month') {
      // "the second of may we ..." : the month must be capitalised, as in "May".
      const month = /\bof\s{1,2}(\S)/i.exec(value)?.[1] ?? '';
      return month === month.toUpperCase() ? 'keep' : 'drop';
    }
    return 'keep';
  },
});

/** "5.3.21" or "3-4-21" only count when day and month are plausible; dotted short forms need more. */
function numericDateVerdict(value: string): number | 'keep' | 'drop' {
  const [datePart] = value.split(/[,\s]/);
  const parts = datePart.split(/[/.-]/).map(Number);
  const [a, b] = parts;
  if (a > 12 && b > 12) return 'drop';
  const sep = datePart.match(/[/.-]/)?.[0];
  const shortYear = datePart.length - datePart.lastIndexOf(sep ?? '/') - 1 === 2;
  if (sep === '.' && shortYear) return 0.3;
  return shortYear ? 0.5 : 'keep';
}

/** "May 5" is a date; "may 5" is a verb and a number (month words double as ordinary words). */
function monthIsAnotherWord(value: string): boolean {
  const first = value[0];
  return first !== first.toUpperCase();
}
