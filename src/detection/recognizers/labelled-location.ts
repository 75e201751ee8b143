import { PatternRecognizer } from './pattern-recognizer';

/** Form labels whose value is a place (en, es, fr, de, it, nl, pt). */
const LABEL =
  '(?:[Cc]ity|CITY|[Tt]own|[Cc]ountry|COUNTRY|[Pp]lace of birth|[Bb]irthplace|[Cc]ountry of birth|[Ll]ocalidad(?:[ \\t]?/[ \\t]?[Pp]rovincia)?|[Pp]rovincia|[Cc]iudad|[Pp]a[ií]s(?: de (?:nacimiento|origen|residencia))?|[Ll]ugar de (?:nacimiento|residencia)|[Mm]unicipio|[Vv]ille|[Pp]ays|[Ll]ieu de naissance|[Ss]tadt|[Ww]ohnort|[Gg]eburtsort|[Cc]itt[àa]|[Pp]aese|[Ll]uogo di nascita|[Ww]oonplaats|[Gg]eboorteplaats|[Cc]idade|[Nn]aturalidade)';
const WORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]{0,30}";
const PLACE = `${WORD}(?:[ ](?:de|del|la|las|los|el|am|an|der|di|du|sur|${WORD})){0,4}`;

/**
 * A place given as the value of a form label: "País: España", "Localidad/ Provincia: Madrid,
 * Madrid", "City: Hexham", "Place of birth: Taos". The label says what the value is, so the
 * value need not be in any gazetteer. One or two comma-separated capitalised phrases.
 */
export const labelledLocationRecognizer = new PatternRecognizer({
  name: 'LabelledLocationRecognizer',
  type: 'LOCATION',
  patterns: [
    {
      name: 'location_label',
      regex: new RegExp(
        `(?:^|[^\\p{L}])${LABEL}[ \\t]{0,2}:[ \\t]{0,3}(${PLACE}(?:,[ \\t]{1,2}${PLACE})?)`,
        'dgu',
      ),
      group: 1,
      // Above the name model's 0.85: the label says what the value is ("Wohnort: Quedlinburg").
      score: 0.9,
      requires: new RegExp(`${LABEL}[ \\t]{0,2}:`, 'u'),
    },
  ],
  trimEnd: (value) => value.replace(/[.,]+$/, ''),
});
