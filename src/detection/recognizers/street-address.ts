import { PatternRecognizer } from './pattern-recognizer';

const SUFFIX =
  '(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Place|Pl|Terrace|Ter|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Loop|Alley|Plaza|Plz|Crossing|Xing|Point|Pt|Pike|Run|Path|Row|Walk|Heights|Hts|Ridge|Rdg|Hill|Hills|Estates|Glen|Grove|Park|Pass|Commons|Expressway|Expy|Freeway|Fwy|Turnpike|Tpke|Route|Rte|Center|Ctr|Station|Sta|Creek|Cove|Harbor|Meadow|Meadows|Landing|Junction|Jct|Manor|Mall|Ranch|Spur|Village|Vista|View|Ville|Well|Wells|Mill|Mills|Falls|Forest|Gardens|Gateway|Green|Haven|Island|Isle|Knoll|Lake|Lakes|Oval|Overpass|Port|Prairie|Shore|Shores|Springs|Spring|Summit|Track|Valley|Viaduct)';
const DIRECTION = '(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|Northeast|Northwest|Southeast|Southwest)\\.?';
const STREET_WORD = "(?:[A-Z][A-Za-z'’-]{0,24}|\\d{1,3}(?:st|nd|rd|th))";
const UNIT = "(?:,?\\s{1,2}(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg|Building|Lot|#)\\.?\\s{0,2}#?\\s?[A-Za-z0-9-]{1,6})?";

/** US street addresses: house number, optional direction, street name words, suffix, unit. */
export const streetAddressRecognizer = new PatternRecognizer({
  name: 'StreetAddressRecognizer',
  type: 'STREET_ADDRESS',
  context: ['address', 'addr', 'street', 'lives', 'resides', 'residence', 'home', 'mailing', 'ship', 'shipping', 'billing', 'located'],
  patterns: [
    {
      name: 'us_street',
      regex: new RegExp(
        `(?<![\\w.,-])\\d{1,6}(?:-\\d{1,4})?[A-Z]?\\s{1,2}(?:${DIRECTION}\\s{1,2})?(?:${STREET_WORD}\\s{1,2}){1,4}${SUFFIX}\\b\\.?(?:\\s{1,2}${DIRECTION}(?![\\w]))?${UNIT}`,
        'g',
      ),
      score: 0.75,
    },
    { name: 'po_box', regex: /\b(?:P\.?\s?O\.?\s?Box|Post Office Box)\s{1,2}\d{1,8}\b/gi, score: 0.7 },
  ],
  trimEnd: (value) => value.replace(/[\s,]+$/, ''),
  validate: (value) => (/^\d{4}\s(?:Dr|St|Pl)\b/.test(value) ? 0.5 : 'keep'),
});
