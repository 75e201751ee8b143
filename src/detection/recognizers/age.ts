import { PatternRecognizer } from './pattern-recognizer';

/**
 * Ages in an age phrase ("92-year-old", "aged 96", "age: 91", "93 yo"). HIPAA Safe Harbor
 * requires ages over 89 to be removed, so those score high; younger ages are not identifying
 * on their own and score under the default threshold (a policy may lower minScore to get them).
 */
const PERSON_WORDS =
  /\b(?:patient|pt|he|she|his|her|him|man|woman|male|female|mr|mrs|ms|miss|dr|gentleman|lady|resident|veteran|widow(?:er)?|grand(?:mother|father|ma|pa)|mother|father|mom|dad|wife|husband|client|member|customer|who|born|aged|age|yo|[mf]|person|individual|caller|applicant|retiree)\b/i;

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
      name: 'age_in_years',
      regex: /\b\d{1,3}(?=\s(?:years? of age|years? old))/gi,
      score: 0.7,
      requires: /\d\s(?:years? of age|years? old)/i,
    },
  ],
  validate: (value, text, start) => {
    const age = Number(value);
    if (age > 125) return 'drop';
    if (age <= 89) return 0.3;
    return aboutAPerson(text, start) ? 0.95 : 0.3;
  },
});
