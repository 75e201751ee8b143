import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import nlp from 'compromise';
import { cityMapping } from 'city-timezones';
import { US_STATES } from '../recognizers/us-states';
import { FOREIGN_FUNCTION_WORDS } from './cues';
import { KNOWN_ORGANIZATIONS } from './organizations';

/** Lowercase lookup tables used by the named-entity recognizer. Loaded once per process. */
export interface Gazetteers {
  /** Given names (compromise's name lexicon). */
  firstNames: ReadonlySet<string>;
  /** Any personal name, first or last (cspell people-names plus compromise). */
  names: ReadonlySet<string>;
  /** Ordinary English words (a dictionary): an unknown capitalized word that is one is not a name. */
  dictionary: ReadonlySet<string>;
  /** Frequent function and content words; a name that is also one needs more evidence. */
  commonWords: ReadonlySet<string>;
  /** Places: cities, states, countries, regions; multi-word entries joined by single spaces. */
  places: ReadonlyMap<string, PlaceKind>;
  /** Known organizations, multi-word entries joined by single spaces. */
  organizations: ReadonlySet<string>;
}

export type PlaceKind = 'country' | 'state' | 'city' | 'major_city' | 'region';

type Lexicon = Record<string, string | string[]>;

interface CompromiseModel {
  one: { lexicon: Lexicon };
}

const NON_NAME_TAGS = new Set([
  'Verb',
  'PastTense',
  'PresentTense',
  'Infinitive',
  'Gerund',
  'Participle',
  'PhrasalVerb',
  'Modal',
  'Copula',
  'Adjective',
  'Comparative',
  'Superlative',
  'Adverb',
  'Preposition',
  'Conjunction',
  'Determiner',
  'Pronoun',
  'Possessive',
  'Reflexive',
  'QuestionWord',
  'Negative',
  'Expression',
  'Cardinal',
  'Ordinal',
  'TextValue',
  'Month',
  'WeekDay',
  'Date',
  'Duration',
  'Unit',
  'Uncountable',
  'Plural',
  'Singular',
  'Noun',
  'Actor',
  'Demonym',
  'Currency',
  'Multiple',
  'Fraction',
  'Abbreviation',
  'Condition',
  'Imperative',
  'Value',
]);

/**
 * Everyday nouns and words that are also given names or surnames in the name lists. They need a
 * title, a surname or a cue ("Dear", "signed by") before they count as a person.
 */
const COMMON_NAME_WORDS = [
  'will',
  'rose',
  'bill',
  'may',
  'mark',
  'grace',
  'hope',
  'faith',
  'joy',
  'june',
  'april',
  'august',
  'summer',
  'autumn',
  'winter',
  'dawn',
  'iris',
  'ivy',
  'lily',
  'daisy',
  'holly',
  'jack',
  'chase',
  'hunter',
  'mason',
  'carter',
  'art',
  'rich',
  'frank',
  'sue',
  'pat',
  'gene',
  'guy',
  'ray',
  'rob',
  'don',
  'van',
  'jean',
  'penny',
  'ruby',
  'amber',
  'crystal',
  'pearl',
  'sky',
  'river',
  'storm',
  'star',
  'king',
  'young',
  'long',
  'white',
  'black',
  'brown',
  'green',
  'gray',
  'grey',
  'street',
  'park',
  'hill',
  'wood',
  'field',
  'lane',
  'price',
  'page',
  'bell',
  'ball',
  'rice',
  'cook',
  'baker',
  'miller',
  'walker',
  'turner',
  'cole',
  'stone',
  'case',
  'bond',
  'banks',
  'brooks',
  'sharp',
  'wise',
  'noble',
  'rich',
  'cash',
  'love',
  'best',
  'little',
  'short',
  'strong',
  'house',
  'power',
  'service',
  'card',
  'care',
  'bank',
  'office',
  'doctor',
  'patient',
  'nurse',
  'center',
  'friday',
  'monday',
  'sunday',
  'tuesday',
  'wednesday',
  'thursday',
  'saturday',
  'january',
  'february',
  'march',
  'september',
  'october',
  'november',
  'december',
  'christmas',
  'easter',
  'god',
  'lord',
  'sir',
  'madam',
  'miss',
  'major',
  'general',
  'judge',
  'bishop',
  'dean',
  'marshal',
  'chancellor',
  'royal',
  'prince',
  'duke',
  'earl',
  'ok',
  'okay',
  'yes',
  'no',
  'hi',
  'hello',
  'hey',
  'thanks',
  'please',
  'sorry',
  'dear',
  'regards',
  'best',
  'account',
  'order',
  'team',
  'support',
  'customer',
  'client',
  'user',
  'admin',
  'manager',
  'member',
  'staff',
  'total',
  'amount',
  'balance',
  'payment',
  'invoice',
  'date',
  'time',
  'name',
  'phone',
  'email',
  'address',
  'new',
  'old',
  'north',
  'south',
  'east',
  'west',
  'central',
  'united',
  'national',
  'american',
  'english',
];

/** Native spellings of large European cities; the city list has only English exonyms. */
const NATIVE_CITY_NAMES = [
  'münchen',
  'köln',
  'nürnberg',
  'düsseldorf',
  'wien',
  'zürich',
  'genève',
  'luzern',
  'milano',
  'roma',
  'firenze',
  'napoli',
  'torino',
  'venezia',
  'genova',
  'padova',
  'den haag',
  "'s-gravenhage",
  'bruxelles',
  'brussel',
  'antwerpen',
  'gent',
  'brugge',
  'lisboa',
  'porto',
  'praha',
  'warszawa',
  'kraków',
  'wrocław',
  'moskva',
  'sevilla',
  'zaragoza',
  'málaga',
  'córdoba',
  'a coruña',
  'københavn',
  'göteborg',
  'athína',
  'bucurești',
  'beograd',
  'den bosch',
  "'s-hertogenbosch",
  'frankfurt am main',
  'köln-bonn',
  'tilburg',
  'leiden',
  'delft',
  'groningen',
  'nijmegen',
  'maastricht',
  'haarlem',
  'arnhem',
  'breda',
  'eindhoven',
  'utrecht',
  'angers',
  'nantes',
  'rennes',
  'dijon',
  'reims',
  'toulouse',
  'lille',
  'strasbourg',
  'montpellier',
  'bordeaux',
  'nice',
];

function packageFile(pkg: string, anchor: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/${anchor}`)), file);
}

function tagsOf(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function loadPeopleNames(): string[] {
  const path = packageFile('@cspell/dict-people-names', 'cspell-ext.json', 'dict/people-names.txt');
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function loadDictionary(): Set<string> {
  const words = JSON.parse(
    readFileSync(require.resolve('an-array-of-english-words'), 'utf8'),
  ) as string[];
  return new Set(words);
}

function buildGazetteers(): Gazetteers {
  const lexicon = (nlp.model() as unknown as CompromiseModel).one.lexicon;
  const firstNames = new Set<string>();
  const names = new Set<string>();
  const commonWords = new Set<string>(COMMON_NAME_WORDS);
  const places = new Map<string, PlaceKind>();
  const organizations = new Set<string>();

  for (const [word, raw] of Object.entries(lexicon)) {
    const tags = tagsOf(raw);
    if (tags.some((t) => t === 'FemaleName' || t === 'MaleName' || t === 'FirstName'))
      firstNames.add(word);
    if (
      tags.some(
        (t) => t === 'FemaleName' || t === 'MaleName' || t === 'FirstName' || t === 'LastName',
      )
    )
      names.add(word);
    if (tags.includes('Country')) places.set(word, 'country');
    else if (tags.includes('Region')) places.set(word, 'region');
    else if (tags.includes('City')) places.set(word, 'city');
    if (tags.includes('Organization') && word.length >= 3) organizations.add(word);
    if (tags.some((t) => NON_NAME_TAGS.has(t)) && !word.includes(' ')) commonWords.add(word);
  }
  for (const name of loadPeopleNames()) names.add(name.toLowerCase());
  for (const word of FOREIGN_FUNCTION_WORDS) commonWords.add(word);
  // Clinical shorthand opens lines of notes ("Rx: atorvastatin", "Hx: asthma"); never a name.
  for (const word of ['rx', 'dx', 'ddx', 'hx', 'tx', 'sx', 'fx', 'px', 'hpi', 'pmh', 'psh', 'ros'])
    commonWords.add(word);
  for (const word of ["i'm", "i've", "i'll", "i'd", "we're", "you're", "it's", "that's"])
    commonWords.add(word);
  for (const org of KNOWN_ORGANIZATIONS) if (org.length >= 3) organizations.add(org);
  for (const city of cityMapping) {
    for (const variant of [city.city, city.city_ascii]) {
      const key = variant.toLowerCase();
      if (city.pop >= 300000) places.set(key, 'major_city');
      else if (!places.has(key)) places.set(key, 'city');
    }
  }
  for (const state of Object.values(US_STATES)) places.set(state.toLowerCase(), 'state');
  for (const city of NATIVE_CITY_NAMES) places.set(city, 'major_city');
  for (const extra of [
    'usa',
    'u.s.',
    'u.s.a.',
    'uk',
    'united states',
    'united kingdom',
    'england',
    'scotland',
    'wales',
    'europe',
    'asia',
    'africa',
  ]) {
    places.set(extra, 'country');
  }
  return { firstNames, names, dictionary: loadDictionary(), commonWords, places, organizations };
}

let cached: Gazetteers | undefined;

/** The process-wide gazetteers, built on first use (about a second), then shared read-only. */
export function gazetteers(): Gazetteers {
  cached ??= buildGazetteers();
  return cached;
}
