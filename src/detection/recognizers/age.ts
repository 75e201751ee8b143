import { PatternRecognizer } from './pattern-recognizer';

/**
 * Ages. HIPAA Safe Harbor requires ages over 89 to be removed, so those score high; other ages
 * are reported at a lower score, and only in an age phrase ("42-year-old", "age 42", "42 yo").
 */
export const ageRecognizer = new PatternRecognizer({
  name: 'AgeRecognizer',
  type: 'AGE',
  context: ['age', 'aged', 'years old', 'year old', 'yo', 'y/o', 'patient', 'pt'],
  patterns: [
    { name: 'years_old', regex: /\b\d{1,3}(?=[\s-]{1,2}(?:years?|yrs?|y)[\s-]{1,2}old\b)/gi, score: 0.7 },
    { name: 'yo', regex: /\b\d{1,3}(?=\s?(?:yo|y\/o|y\.o\.|yr old|yrs)(?![\w/]))/gi, score: 0.7 },
    { name: 'age_label', regex: /(?<=\b(?:age[ds]?|aged|ages|age:)\s{0,2}(?:of\s)?:?\s{0,2})\d{1,3}(?![\w.,]\d|\s?(?:%|percent|days|months|weeks))/gi, score: 0.65 },
    { name: 'sex_age', regex: /\b\d{1,3}(?=\s?(?:M|F)\b)(?<![:.]\d{1,3})/g, score: 0.4, requiresContext: true },
    { name: 'age_in_years', regex: /\b\d{1,3}(?=\s(?:years? of age|years? old))/gi, score: 0.7 },
  ],
  validate: (value) => {
    const age = Number(value);
    if (age > 125) return 'drop';
    return age > 89 ? 0.95 : 'keep';
  },
});
