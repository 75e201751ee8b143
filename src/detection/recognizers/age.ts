import { PatternRecognizer } from './pattern-recognizer';

/**
 * Ages in an age phrase ("92-year-old", "aged 96", "age: 91", "93 yo", "47 y/o F", "pt (81)",
 * "i'm 29", "Edad: 70 años", "varón de 65 años"). An age stated about a person is reported at
 * any value (issue 16: a vault must not pass "47 y/o F" to a model in the clear); over 89 it
 * scores high (HIPAA Safe Harbor). A bare "45 F" stays low; a number with no person near is
 * not an age ("a 100-year-old oak").
 */
const PERSON_WORDS =
  /\b(?:patient|pt|he|she|his|her|him|man|woman|male|female|mr|mrs|ms|miss|mme|mlle|sr|sra|srta|herr|dr|gentleman|lady|resident|veteran|widow(?:er)?|paciente|varón|varon|mujer|hombre|niño|niña|niño|edad|patiente?|homme|femme|patientin|frau|mann|grand(?:mother|father|ma|pa)|mother|father|mom|dad|wife|husband|client|member|customer|who|born|aged|age|yo|[mf]|person|individual|caller|applicant|retiree)\b/i;

const DURATION_BEFORE =
  /\b(?:for|since|past|last|over|about|after|every|in|within|hace|desde|durante|por|hasta|tras|cada|últimos|ultimos|depuis|pendant|seit|vor|seit|da|per|sinds)[ \t]{1,2}$/i;

/** "A 100-year-old oak" is not a person's age: an age phrase needs a person nearby. */
function aboutAPerson(text: string, start: number): boolean {
  const sentenceStart = Math.max(
    text.lastIndexOf('.', start - 1),
    text.lastIndexOf('\n', start - 1),
    start - 80,
  );
  const after = text.slice(start, start + 40).split(/[.\n]/)[0];
  return PERSON_WORDS.test(
    text.slice(sentenceStart + 1, start) +
      ' ' +
      after.replace(/^\d+[\s-]*(?:years?|yrs?|y)?[\s-]*(?:old)?/i, ''),
  );
}

export const ageRecognizer = new PatternRecognizer({
  name: 'AgeRecognizer',
  type: 'AGE',
  minDigits: 1,
  // No context words: the age phrase is the context, and boosting would lift young ages.
  patterns: [
    {
      name: 'years_old',
      regex: /\b\d{1,3}(?=[\s-]{1,2}(?:years?|yrs?|y)[\s-]{1,2}old\b)/gi,
      score: 0.7,
      requires: /\d[\s-]{1,2}(?:years?|yrs?|y)[\s-]{1,2}old/i,
    },
    {
      name: 'yo',
      regex: /\b\d{1,3}(?=\s?(?:yo|y\/o|y\.o\.|yr old|yrs)(?![\w/]))/gi,
      score: 0.7,
      requires: /\d\s?(?:yo|y\/o|y\.o\.|yr old|yrs)/i,
    },
    {
      name: 'age_label',
      regex:
        /(?=\d)(?<=\b(?:age[ds]?|aged|ages|age:)\s{0,2}(?:of\s)?:?\s{0,2})\d{1,3}(?![\w.,]\d|\s?(?:%|percent|days|months|weeks))/gi,
      score: 0.65,
      requires: /age[ds:]?\s{0,2}(?:of\s)?:?\s{0,2}\d/i,
    },
    {
      name: 'sex_age',
      regex: /(?<![\w:.,/-])\d{2,3}(?=\s?(?:M|F)\b)/g,
      score: 0.4,
      requires: /\d{2}\s?[MF]\b/,
    },
    {
      // Spanish, Portuguese, French, German, Italian, Dutch: "de 65 años", "Edad: 70 años",
      // "45 ans", "67 Jahre alt", "72 anni", "54 jaar oud".
      name: 'years_other_languages',
      regex: /(?<![\w.,/])\d{1,3}(?=[ \t]?(?:años|anos|ans|jahre|jahren|anni|jaar)(?![\p{L}]))/giu,
      score: 0.6,
      requires: /\d[ \t]?(?:años|anos|ans|jahre|anni|jaar)/i,
    },
    {
      name: 'edad_label',
      // A consumed boundary and a group, not a lookbehind: a leading lookbehind makes V8 try
      // the pattern at every position of every text.
      regex:
        /(?:^|[^\p{L}])(?:edad|âge|alter|età|leeftijd)[ \t]{0,2}:?[ \t]{0,2}(\d{1,3})(?![\w.,]\d)/dgiu,
      group: 1,
      score: 0.65,
      requires: /(?:edad|âge|alter|età|leeftijd)[ \t]{0,2}:?[ \t]{0,2}\d/i,
    },
    {
      // "pt (81)", "male (45)", "F (72)"
      name: 'person_parenthesis',
      regex: /(?<=\b(?:pt|patient|male|female|man|woman|boy|girl|M|F)[ \t]?\()\d{1,3}(?=\))/g,
      score: 0.6,
      requires: /(?:pt|patient|male|female|man|woman|boy|girl|M|F)[ \t]?\(\d/i,
    },
    {
      // "i'm 29", "I am 71", "im 16 and": a first-person age, ended by punctuation or a few words.
      name: 'first_person',
      regex:
        /(?<=\b(?:i['’]?m|i[ \t]am)[ \t])\d{1,3}(?=[ \t]?(?:[.,!?;)]|$|[ \t](?:and|but|so|now|too|years?|yrs?|yo|y\/o|with|in|from|this|next|&)\b))/gim,
      score: 0.6,
      requires: /\bi['’]?m[ \t]\d|\bi[ \t]am[ \t]\d/i,
    },
    {
      name: 'age_in_years',
      regex: /\b\d{1,3}(?=\s(?:years? of age|years? old))/gi,
      score: 0.7,
      requires: /\d\s(?:years? of age|years? old)/i,
    },
  ],
  validate: (value, text, start, patternName) => {
    const age = Number(value);
    if (age > 125) return 'drop';
    if (patternName === 'sex_age') return age <= 89 ? 0.3 : 0.5;
    const selfEvident =
      patternName === 'first_person' ||
      patternName === 'person_parenthesis' ||
      patternName === 'edad_label' ||
      patternName === 'age_label';
    if (!selfEvident && !aboutAPerson(text, start)) return 0.3;
    // "for 20 yrs", "hace 13 años": a duration, not an age.
    if (!selfEvident && DURATION_BEFORE.test(text.slice(Math.max(0, start - 12), start)))
      return 0.3;
    return age <= 89 ? 0.6 : 0.95;
  },
});
