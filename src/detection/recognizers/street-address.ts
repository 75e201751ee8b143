import { forEachMatch } from './matches';
import type { DetectionContext } from '../context';
import type { Candidate, Recognizer } from '../types';
import { STATE_CODE_ALTERNATION, STATE_NAME_ALTERNATION } from './us-states';

/** USPS street suffixes (Publication 28), full and abbreviated, plus common UK ones. */
const SUFFIX =
  '(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Courts|Place|Pl|Terrace|Ter|Way|Ways|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Circles|Square|Sq|Squares|Trail|Trl|Loop|Alley|Aly|Plaza|Plz|Crossing|Xing|Point|Pt|Points|Pike|Run|Path|Row|Walk|Heights|Hts|Ridge|Rdg|Ridges|Hill|Hills|Estates|Est|Glen|Glens|Grove|Groves|Park|Parks|Pass|Commons|Common|Expressway|Expy|Freeway|Fwy|Turnpike|Tpke|Route|Rte|Center|Ctr|Centers|Station|Sta|Creek|Crk|Cove|Coves|Harbor|Harbors|Meadow|Meadows|Mdws|Landing|Lndg|Junction|Jct|Junctions|Manor|Manors|Mall|Ranch|Spur|Village|Vlg|Villages|Vista|Vis|View|Views|Vw|Ville|Well|Wells|Mill|Mills|Falls|Fls|Forest|Forge|Forges|Garden|Gardens|Gdns|Gateway|Green|Greens|Haven|Island|Islands|Isle|Knoll|Knolls|Lake|Lakes|Oval|Overpass|Port|Ports|Prairie|Shore|Shores|Spring|Springs|Summit|Track|Valley|Valleys|Viaduct|Bypass|Byp|Bluff|Bluffs|Bottom|Branch|Bridge|Brook|Brooks|Burg|Burgs|Camp|Canyon|Cape|Causeway|Cliff|Cliffs|Club|Corner|Corners|Crest|Curve|Dale|Dam|Divide|Extension|Ext|Fall|Ferry|Field|Fields|Flat|Flats|Ford|Fords|Fork|Forks|Fort|Freeway|Gap|Gateway|Grove|Harbour|Hollow|Inlet|Key|Keys|Knob|Lock|Locks|Lodge|Mews|Mission|Motorway|Mount|Mountain|Mountains|Neck|Orchard|Pines|Plain|Plains|Radial|Ramp|Rapid|Rapids|Rest|Road|Roads|Shoal|Shoals|Skyway|Stream|Stravenue|Throughway|Trace|Trafficway|Tunnel|Underpass|Union|Unions|Vale|Wall|Drove|Mead|Close|Crescent|Gate|Gardens|Hill|Parade|Rise|Wharf|Yard)';
const DIRECTION = '(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\\.?';
const STREET_WORD = "(?:[A-Z][A-Za-z'’-]{0,24}|\\d{1,3}(?:st|nd|rd|th))";
const UNIT =
  '(?:,?\\s{1,2}(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg|Building|Lot|#)\\.?\\s{0,2}#?\\s?[A-Za-z0-9-]{1,6})?';
const CITY_WORD = "(?:(?:St|Ste|Mt|Ft)\\.|[A-Z][\\p{L}'’-]{1,30})";

/** A US street line without city: number, direction, name words, suffix, unit. */
const US_STREET = new RegExp(
  `(?<![\\w.,-])\\d{1,6}(?:-\\d{1,4})?[A-Z]?\\s{1,2}(?:${DIRECTION}\\s{1,2})?(?:${STREET_WORD}\\s{1,2}){1,4}${SUFFIX}\\b\\.?(?:\\s{1,2}${DIRECTION}(?![\\w]))?${UNIT}`,
  'g',
);
const PO_BOX =
  /\b(?:P\.?\s?O\.?\s?Box|Post Office Box|GPO Box|Locked Bag|Private Bag|Apartado(?: de [Cc]orreos)?|Postfach|Bo[iî]te [Pp]ostale|Casella [Pp]ostale|Postbus|Caixa Postal|Casilla(?: de [Cc]orreo)?)\s{1,2}(?:n[º°o]\.?\s?)?\d{1,8}\b/gi;

/** US military mail: "PSC 1234, Box 5678, APO AE 09001", "Unit 2050 Box 4190, APO AP 96278". */
const MILITARY =
  /\b(?:(?:PSC|CMR|UMR|Unit)[ \t]\d{1,5},?[ \t]{1,2}(?:Box[ \t]\d{1,5},?[ \t]{1,2})?|USS[ \t][A-Z][A-Za-z]{1,20}(?:[ \t][A-Z][A-Za-z]{1,20})?,?[ \t]{1,2})?(?:APO|FPO|DPO)[ \t](?:AE|AA|AP)(?:[ \t]{1,2}\d{5}(?:-\d{4})?)?\b/g;

/**
 * An optional ", 28013 Madrid" / " 1015 CS Amsterdam" / ". 06080 Badajoz" / ", 1100-048 Lisboa" /
 * ", 00-850 Warszawa" after a street line.
 */
const POSTCODE_TOWN =
  "(?:[,.]?[ \\t]{1,2}(?:-[ \\t]{1,2})?(?:[A-Z]{1,2}-)?(?:\\d{4,5}(?:-\\d{3})?|\\d{2}-\\d{3})(?:[ \\t][A-Z]{2})?(?:[ \\t]{1,2}|[ \\t]?-[ \\t]?)\\p{Lu}[\\p{L}\\p{M}'’-]{1,30}(?:[ \\t](?:de|del|la|am|an|im|sur|\\p{Lu}[\\p{L}\\p{M}'’-]{1,30})){0,3})?";

/**
 * Street-type words that come before the street's name (Spanish, Catalan, Portuguese, French,
 * Italian, Polish).
 */
const TYPE_FIRST =
  '(?:Calle|CALLE|calle|avenida|avda\\.|plaza|paseo|carrer|C/|c/|P\\.º|Avda\\.|Avenida|AVDA\\.|Av\\.|Av/|Avd\\.|Plaza|Pza\\.|Pl\\.|Paseo|Pº|Passeig|Carrer|C\\.|Camino|Ctra\\.|Carretera|Ronda|Travesía|Travesia|Rúa|Rua|Rambla|Glorieta|Urbanización|Urb\\.|Praça|Largo|Via|Viale|Piazza|Piazzale|Corso|Vicolo|Rue|Avenue|Boulevard|Bd|Bld|Chemin|Allée|Impasse|Quai|Cours|Place|Route|Travessa|Alameda|Estrada|Rodovia|Beco|Caminho|Calçada|Praceta|Calzada|Callejón|Prolongación|Strada|ul\\.|os\\.|Ulica|ulica|Aleja|aleja|Plac|Osiedle)';
/** A word of a street's name: capitalised, or a lower-case particle. Never contains a space. */
const NAME_WORD =
  "(?:\\p{Lu}[\\p{L}\\p{M}'’.-]{0,24}|de|del|de la|la|las|los|el|y|i|d'|d’|du|des|le|les|di|della|delle|dei|da|do|dos|das|l'|l’)";
/** Any word of a street's name after a street-type word ("Calle del ferrol 18"); see plausibleStreet. */
const ANY_NAME_WORD = "\\p{L}[\\p{L}\\p{M}'’.-]{0,24}";
/** "Calle Mayor 12", "Avda. de Elvas, 56", "C/ Juan Bosco, 17, 2º Izda", "Via Roma 12", "Av. Don Quijote s/n". */
const STREET_TYPE_FIRST = new RegExp(
  `(?<![\\p{L}\\p{N}])${TYPE_FIRST}\\.?[ \\t]{0,2}(?:${ANY_NAME_WORD}[ \\t]{1,2}){0,6}${ANY_NAME_WORD},?[ \\t]{1,2}(?:n[º°o]\\.?[ \\t]?|#)?(?:\\d{1,4}[A-Za-z]?(?:-\\d{1,4})?(?!\\d|[,.]\\d)|s/n|km[ \\t]?\\d{1,3}(?:[,.]\\d{1,3})?)(?:,?[ \\t]{1,2}\\d{1,2}(?!\\d|-\\d)[ºª°]?(?:[ \\t]?(?:[A-Da-d]|Izda|Izq|Dcha|Der|Izquierda|Derecha)\\b\\.?)?){0,2}${POSTCODE_TOWN}`,
  'gu',
);
/** Compound street names with the type as a suffix: "Hauptstraße 5", "Keizersgracht 12", "Vesterbrogade 3". */
const STREET_SUFFIXED = new RegExp(
  `(?<![\\p{L}\\p{N}-])\\p{Lu}[\\p{L}-]{0,30}(?:straße|strasse|str\\.|gasse|weg|platz|allee|ring|damm|ufer|chaussee|steig|straat|laan|gracht|plein|kade|dijk|singel|vej|gade|gatan|vägen|veien|gata)[ \\t]{1,2}\\d{1,4}[a-z]?(?:[ \\t]?[-/][ \\t]?\\d{1,4}[a-z]?)?(?![\\p{L}\\p{N}])${POSTCODE_TOWN}`,
  'gu',
);
/** French street types after the number, lower case or capitalised ("5 Quai d'Orsay"). */
const FRENCH_TYPE =
  '(?:[Rr]ue|[Aa]venue|[Aa]v\\.|[Bb]oulevard|[Bb]d|[Pp]lace|[Aa]llée|[Ii]mpasse|[Cc]hemin|[Qq]uai|[Cc]ours|[Rr]oute|[Pp]assage|[Vv]oie|[Ss]quare)';
/** French number first: "12 rue de la Paix", "3 bis, avenue Victor Hugo", "5 Quai d'Orsay". */
const NUMBER_THEN_TYPE = new RegExp(
  `(?<![\\p{L}\\p{N}.,-])\\d{1,4}(?:[ \\t]?(?:bis|ter))?,?[ \\t]{1,2}${FRENCH_TYPE}[ \\t]{1,2}(?:${NAME_WORD}[ \\t]{1,2}){0,5}(?:[dl]['’])?\\p{Lu}[\\p{L}\\p{M}'’-]{0,24}${POSTCODE_TOWN}`,
  'gu',
);

/** The end of an address: ", City, ST 12345", ", City POSTCODE" (UK) or ", 12345 City" (Europe). */
const TAILS: readonly RegExp[] = [
  new RegExp(
    `(?:,[ \\t]{0,2}|\\n[ \\t]{0,4})(?:${CITY_WORD}[ \\t]){0,3}${CITY_WORD},?[ \\t]{1,2}(?:${STATE_CODE_ALTERNATION}|${STATE_NAME_ALTERNATION})\\.?(?:[ \\t]{1,2}\\d{5}(?:-\\d{4})?)?(?![\\p{L}\\p{N}])`,
    'gu',
  ),
  new RegExp(
    `(?:,[ \\t]{0,2}|\\n[ \\t]{0,4})(?:${CITY_WORD}[ \\t]){0,2}${CITY_WORD},?[ \\t]{1,2}[A-Z]{1,2}\\d{1,2}[A-Z]?[ \\t]\\d{1,2}[A-Z]{1,2}(?![\\p{L}\\p{N}])`,
    'gu',
  ),
  new RegExp(
    `(?:,[ \\t]{0,2}|\\n[ \\t]{0,4})(?:[A-Z]{1,2}-)?(?:\\d{4,5}(?:-\\d{3})?|\\d{2}-\\d{3})(?:[ \\t][A-Z]{2})?[ \\t]{1,2}${CITY_WORD}(?:[ \\t](?:am|an|im|sur|en|${CITY_WORD}))?(?:[ \\t]${CITY_WORD})?(?![\\p{L}\\p{N}])`,
    'gu',
  ),
];

/** The longest digit run each tail needs (the UK postcode's digit, the European postcode). */
const TAIL_MIN_DIGITS: readonly number[] = [0, 1, 3];

/** Every regular expression this recognizer runs over a text, for the linear-time test. */
export const STREET_ADDRESS_REGEXES: readonly RegExp[] = [
  US_STREET,
  PO_BOX,
  MILITARY,
  STREET_TYPE_FIRST,
  STREET_SUFFIXED,
  NUMBER_THEN_TYPE,
  ...TAILS,
];

/** Cheap pre-filters: the patterns above cannot match without these. */
const STREET_TYPE_HINT = new RegExp(`${TYPE_FIRST}\\.?[ \\t]`);
/**
 * Where a street-type word starts. The full pattern opens with a lookbehind, which keeps V8 from
 * skipping ahead to a possible first character; it runs sticky at these positions instead.
 */
const STREET_TYPE_START = new RegExp(TYPE_FIRST, 'g');
const STREET_TYPE_FIRST_AT = new RegExp(STREET_TYPE_FIRST.source, 'uy');
const SUFFIX_HINT =
  /(?:straße|strasse|str\.|gasse|weg|platz|allee|ring|damm|ufer|chaussee|steig|straat|laan|gracht|plein|kade|dijk|singel|vej|gade|gatan|vägen|veien|gata)[ \t]{1,2}\d/;
const FRENCH_HINT = new RegExp(`\\d,?[ \\t]{1,2}${FRENCH_TYPE}[ \\t]`);

/** Words that may sit inside a street part besides capitalised words and numbers. */
const STREET_PARTICLES = new Set([
  'de',
  'del',
  'della',
  'di',
  'da',
  'das',
  'dos',
  'des',
  'du',
  'la',
  'le',
  'les',
  'el',
  'van',
  'von',
  'der',
  'den',
  'dem',
  'het',
  "'t",
  'y',
  'e',
  'auf',
  'an',
  'am',
  'im',
  'zum',
  'zur',
  'bis',
  'hoog',
  'achter',
  'voor',
  'boven',
  'huis',
  'bus',
  'piso',
  'puerta',
  'esc',
  'int',
  'sc',
]);
const UNIT_WORDS =
  /^(?:apt|apartment|suite|ste|unit|fl|floor|rm|room|bldg|lot|og|eg|hoog|achter|bus|piso|#\d+)\.?$/i;
const LABEL_WORDS = new Set([
  'address',
  'addr',
  'home',
  'mailing',
  'shipping',
  'billing',
  'ship',
  'to',
  'lives',
  'located',
  'at',
  'in',
  'from',
  'adresse',
  'anschrift',
  'dirección',
  'direccion',
  'indirizzo',
  'adres',
]);
const MAX_STREET_TOKENS = 10;
const MAX_STREET_CHARS = 90;

/**
 * A street-type-first match whose name has more than two lower-case words that are not
 * particles is prose ("Plaza de toros durante las fiestas de 2019"), not a street.
 */
function plausibleStreet(text: string, start: number, value: string): boolean {
  const after = text.slice(start + value.length, start + value.length + 14);
  if (
    /^[ \t]{1,2}(?:horas?|d[ií]as?|años?|minutos?|semanas?|meses|veces|metros|hours?|days?|years?|times|min|cm|mm|m|kg|mg|ml)\b/i.test(
      after,
    )
  )
    return false;
  // "en la calle durante 3": a lower-case street word after an article is prose.
  if (
    /^\p{Ll}/u.test(value) &&
    /\b(?:la|el|en|a|the|una?)[ \t]{1,2}$/i.test(text.slice(Math.max(0, start - 8), start))
  )
    return false;
  let lower = 0;
  for (const w of value.split(/[\s,]+/).slice(1)) {
    if (/^\p{Ll}/u.test(w) && !STREET_PARTICLES.has(w) && !/^(?:km|s\/n|n[º°o]\.?)$/.test(w))
      lower++;
  }
  return lower <= 2;
}

/** A comma or whitespace (/[\s,]/): what separates street tokens. */
function isGapChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 44 || c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(text[i]);
}

interface StreetToken {
  text: string;
  start: number;
  end: number;
}

/**
 * Postal addresses as one span from the house number through city, state and postcode: US and
 * UK ("221 Baker Street, London NW1 6XE") and continental ("Via Garau 282, 22495 Bologna").
 * Found from the tail back, with bounded regexes and a token walk, so matching stays linear.
 */
export class StreetAddressRecognizer implements Recognizer {
  readonly name = 'StreetAddressRecognizer';
  readonly types = ['STREET_ADDRESS'];
  private readonly context = [
    'address',
    'addr',
    'street',
    'lives',
    'resides',
    'residence',
    'home',
    'mailing',
    'ship',
    'shipping',
    'billing',
    'located',
    'moved',
  ];

  analyze(text: string, context?: DetectionContext): Candidate[] {
    const out: Candidate[] = [];
    // US_STREET and PO_BOX need a digit (house or box number), two of the tails a digit run.
    const digitRun = context ? context.longestDigitRun : Infinity;
    const digits = digitRun > 0;
    for (let t = 0; t < TAILS.length; t++) {
      if (digitRun < TAIL_MIN_DIGITS[t]) continue;
      forEachMatch(TAILS[t], text, (m) => {
        const start = this.streetStart(text, m.index, m[0].startsWith('\n'));
        if (start !== undefined)
          out.push(this.candidate(start, m.index + m[0].length, 0.8, 'address_with_tail'));
      });
    }
    if (digits) {
      forEachMatch(US_STREET, text, (m) => {
        const value = m[0].replace(/[\s,]+$/, '');
        const score = /^\d{4}\s(?:Dr|St|Pl)\b/.test(value) ? 0.5 : 0.75;
        out.push(this.candidate(m.index, m.index + value.length, score, 'us_street'));
      });
      forEachMatch(PO_BOX, text, (m) => {
        out.push(this.candidate(m.index, m.index + m[0].length, 0.7, 'po_box'));
      });
    }
    if (text.includes('PO'))
      forEachMatch(MILITARY, text, (m) => {
        out.push(this.candidate(m.index, m.index + m[0].length, 0.75, 'military_mail'));
      });
    if (STREET_TYPE_HINT.test(text)) {
      // Same matches as text.matchAll(STREET_TYPE_FIRST): non-overlapping, left to right.
      STREET_TYPE_START.lastIndex = 0;
      for (let s = STREET_TYPE_START.exec(text); s; s = STREET_TYPE_START.exec(text)) {
        STREET_TYPE_FIRST_AT.lastIndex = s.index;
        const m = STREET_TYPE_FIRST_AT.exec(text);
        if (!m) continue;
        STREET_TYPE_START.lastIndex = m.index + m[0].length;
        if (plausibleStreet(text, m.index, m[0]))
          out.push(this.candidate(m.index, m.index + m[0].length, 0.7, 'street_type_first'));
      }
    }
    if (SUFFIX_HINT.test(text))
      forEachMatch(STREET_SUFFIXED, text, (m) => {
        out.push(this.candidate(m.index, m.index + m[0].length, 0.7, 'street_suffixed'));
      });
    if (FRENCH_HINT.test(text))
      forEachMatch(NUMBER_THEN_TYPE, text, (m) => {
        out.push(this.candidate(m.index, m.index + m[0].length, 0.7, 'number_then_type'));
      });
    return out;
  }

  /** Walks back from a tail over street tokens; returns where the street part starts. */
  private streetStart(text: string, tailStart: number, tailOnNewLine: boolean): number | undefined {
    // Only the last MAX_STREET_CHARS are looked at: a newline search over the whole text before
    // each tail made texts without newlines quadratic ("NY, NY, NY, …").
    const windowStart = Math.max(0, tailStart - MAX_STREET_CHARS);
    const window = text.slice(windowStart, tailStart);
    const from = windowStart + window.lastIndexOf('\n') + 1;
    if (tailOnNewLine && text.slice(from, tailStart).trim() === '') return undefined;
    // Tokens (runs of /[^\s,]/) are read backwards from the tail, only as far as they are accepted.
    const accepted: StreetToken[] = [];
    let commas = 0;
    let i = tailStart;
    let last = true;
    while (accepted.length < MAX_STREET_TOKENS) {
      const gapEnd = i;
      while (i > from && isGapChar(text, i - 1)) i--;
      if (i === from) break;
      const end = i;
      while (i > from && !isGapChar(text, i - 1)) i--;
      for (let j = end; j < gapEnd; j++) if (text.charCodeAt(j) === 44) commas++;
      const token = { text: text.slice(i, end), start: i, end };
      if (commas > 2 || !this.isStreetToken(token.text, last)) break;
      last = false;
      accepted.unshift(token);
    }
    return this.trimStreet(accepted);
  }

  private isStreetToken(token: string, last: boolean): boolean {
    if (/[:;()@"“”]/.test(token)) return false;
    const abbreviated =
      /^(?:[A-Z][a-z]{0,4}|\p{Lu})\.$/u.test(token) ||
      /(?:str|st|ave|rd|blvd|pl|av|ul|os)\.$/i.test(token);
    if (/\.$/.test(token) && !abbreviated && !last) return false;
    if (/^\d{1,6}[a-zA-Z]{0,2}(?:-\d{1,4}[a-zA-Z]?)?$/.test(token) || /^#\d{1,6}$/.test(token))
      return true;
    if (/^[IVX]{1,4}$/.test(token) || UNIT_WORDS.test(token)) return true;
    if (STREET_PARTICLES.has(token.toLowerCase())) return true;
    return /^\p{Lu}[\p{L}\p{M}'’.-]*$/u.test(token);
  }

  /** Drops leading labels and words before a leading house number; needs a number and a name. */
  private trimStreet(tokens: StreetToken[]): number | undefined {
    let first = 0;
    while (
      first < tokens.length &&
      LABEL_WORDS.has(tokens[first].text.toLowerCase().replace(/[.:]$/, ''))
    )
      first++;
    const isNumber = (t: StreetToken) => /^\d/.test(t.text);
    const isName = (t: StreetToken) =>
      (/^\p{Lu}\p{Ll}/u.test(t.text) && !UNIT_WORDS.test(t.text)) ||
      /^(?:N|S|E|W|NE|NW|SE|SW)\.?$/.test(t.text);
    // "Rose Tyler 221 Baker Street": a US-style house number starts the address.
    for (let i = first; i < tokens.length - 1; i++) {
      if (isNumber(tokens[i]) && isName(tokens[i + 1])) {
        if (i > first && !tokens.slice(first, i).some(isNumber)) first = i;
        break;
      }
    }
    const street = tokens.slice(first);
    if (
      !street.some(isNumber) ||
      !street.some((t) => /\p{L}{2}/u.test(t.text) && !UNIT_WORDS.test(t.text))
    )
      return undefined;
    while (
      street.length &&
      STREET_PARTICLES.has(street[0].text) &&
      street[0].text === street[0].text.toLowerCase() &&
      !/^(?:de|van|von|auf)$/.test(street[0].text)
    )
      street.shift();
    return street.length ? street[0].start : undefined;
  }

  private candidate(start: number, end: number, score: number, pattern: string): Candidate {
    return {
      type: 'STREET_ADDRESS',
      start,
      end,
      score,
      recognizer: this.name,
      explanation: { pattern, baseScore: score, validation: 'not_applicable' },
      context: this.context,
    };
  }
}

export const streetAddressRecognizer = new StreetAddressRecognizer();
