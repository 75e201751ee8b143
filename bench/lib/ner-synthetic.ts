/**
 * Generated PII-rich English texts for training the named-entity model: prompts, tickets,
 * notes and messages with people, places and organisations in them, labelled as generated.
 * The value lists are written here and kept apart from the evaluation generator's
 * (bench/lib/eval-values.ts, faker), so the evaluation set does not score memorised values.
 */
import { mulberry32, type LabelledText } from './ner-train';

const FIRST = [
  'Aigerim',
  'Tomasz',
  'Nkechi',
  'Rasmus',
  'Ilse',
  'Kenji',
  'Priyanka',
  'Oluwaseun',
  'Marisol',
  'Dragan',
  'Saoirse',
  'Thiago',
  'Yusra',
  'Bartholomew',
  'Ingrid',
  'Mehmet',
  'Anouk',
  'Kwabena',
  'Leilani',
  'Radek',
  'Soraya',
  'Björn',
  'Chiamaka',
  'Eero',
  'Fenna',
  'Gulnara',
  'Hamish',
  'Isidora',
  'Jovan',
  'Katarzyna',
  'Lorcan',
  'Mirela',
  'Nadia',
  'Osvaldo',
  'Pilar',
  'Quentin',
  'Rukmini',
  'Siddharth',
  'Tereza',
  'Ulrich',
  'Valeriu',
  'Wanjiru',
  'Xiadani',
  'Yerlan',
  'Zofia',
  'beatriz',
  'dmitri',
  'hamza',
  'ines',
  'keanu',
];
const LAST = [
  'Abernathy',
  'Bakirova',
  'Chukwuma',
  'Dalgaard',
  'Ekström',
  'Fitzgerald-Ng',
  'Gashi',
  'Haraldsen',
  'Iwu',
  'Jankowski',
  'Kowalczyk',
  'Lindqvist',
  'Mbeki',
  'Nakashima',
  'Okonkwo',
  'Papadakis',
  'Quispe',
  'Rautio',
  'Szabó',
  'Tanaka-Ruiz',
  'Uwimana',
  'Vasquez',
  'Wróbel',
  'Xu',
  'Yilmaz',
  'Zubiri',
  "O'Donoghue",
  'McAllister',
  'van der Berg',
  'de la Fuente',
  'Achterberg',
  'Brannigan',
  'Castellanos',
  'Demir',
  'Esposito',
  'Fairweather',
  'Grünewald',
  'Holloway',
  'Ibarra',
  'Juhász',
  'Kiplagat',
  'Lacroix',
  'Moreau',
  'Nwosu',
  'Oyelaran',
];
const CITIES = [
  'Tampere',
  'Rosario',
  'Kumasi',
  'Bydgoszcz',
  'Aarhus',
  'Cluj-Napoca',
  'Ipoh',
  'Curitiba',
  'Mombasa',
  'Trondheim',
  'Valparaíso',
  'Kraków',
  'Ljubljana',
  'Leuven',
  'Brno',
  'Tartu',
  'Gdańsk',
  'Timișoara',
  'Hobart',
  'Dunedin',
  'Saskatoon',
  'Halifax',
  'Asheville',
  'Missoula',
  'Spokane',
  'Chattanooga',
  'Duluth',
  'Galway',
  'Inverness',
  'Aberystwyth',
  'Bruges',
  'Ghent',
  'Lausanne',
  'Salzburg',
  'Bergamo',
  'Lecce',
  'Porto Alegre',
  'Arequipa',
  'Cusco',
  'Cebu',
  'Da Nang',
  'Chiang Mai',
  'Nagoya',
  'Sapporo',
  'Daejeon',
  'Pune',
  'Mysore',
  'Kandy',
  'Arusha',
];
const REGIONS = [
  'Lapland',
  'Patagonia',
  'Silesia',
  'Transylvania',
  'the Algarve',
  'Tasmania',
  'Nova Scotia',
  'the Highlands',
  'Flanders',
  'Bavaria',
  'Andalusia',
  'Kerala',
  'Hokkaido',
  'Moravia',
  'Ontario',
  'Queensland',
  'Yukon',
  'Sardinia',
  'Galicia',
  'Wallonia',
];
const ORG_WORDS = [
  'Brightwater',
  'Copperleaf',
  'Ironbridge',
  'Northwind',
  'Bluefin',
  'Redcliff',
  'Silverline',
  'Stonegate',
  'Kestrel',
  'Larkspur',
  'Meridian',
  'Halcyon',
  'Quillon',
  'Tessellate',
  'Vantor',
  'Zephyrine',
  'Oakhurst',
  'Pinecrest',
  'Harborview',
  'Lumina',
];
const ORG_SUFFIX = [
  'Energy',
  'Logistics',
  'Analytics',
  'Labs',
  'Holdings',
  'Group',
  'Partners',
  'Systems',
  'Foods',
  'Insurance',
  'Credit Union',
  'Bank',
  'Pharmaceuticals',
  'Dental',
  'Law',
  'Realty',
  'Inc.',
  'Ltd',
  'GmbH',
  'LLC',
  'Co.',
  'S.A.',
];
const ORG_FULL = [
  'University of Tampere',
  'Kumasi Polytechnic',
  'St. Brigid Hospital',
  'Aarhus City Council',
  'Riverside Community Clinic',
  'the Brno Philharmonic',
  'Halifax Regional Police',
  'Saskatoon Public Library',
  'Ministry of Coastal Affairs',
  'the Red Kite Trust',
];

type Slot = 'P' | 'F' | 'L' | 'O';
const TEMPLATES: string[] = [
  'Hi, my name is {P} and I live in {L}.',
  'Please forward this to {P} at {O} before Friday.',
  '{P} ({O}) called about the invoice; she is based in {L}.',
  'Customer: {P}\nEmployer: {O}\nCity: {L}',
  'Dear {P}, thank you for choosing {O}.',
  'Can you summarise the contract between {O} and {O}?',
  'I moved from {L} to {L} last year and started at {O}.',
  'Ticket #4412 opened by {P}: cannot log in from the {L} office.',
  'Meeting notes: {P}, {P} and {F} agreed to visit {O} in {L}.',
  'Pt {P}, seen at {O}, referred by Dr. {P}.',
  'Wire the refund to {P}, account held at {O}.',
  'hey its {F}, can u ask {F} if the {L} trip is still on',
  '{F} said {O} is hiring in {L} again.',
  'Regards,\n{P}\nSenior Analyst, {O}\n{L}',
  'Draft a reference letter for {P}, who worked for {O} from 2019 to 2023.',
  'Mr. {P} and Mrs. {P} are flying to {L} on Tuesday.',
  'The shipment from {O} left {L} yesterday.',
  'Ask {F} about the {O} account; {F} handles it.',
  'From: {P}\nTo: {P}\nSubject: {O} renewal',
  'Translate this for {P}: the office in {L} closes at noon.',
  '{P} was born in {L} and studied at {O}.',
  'Our landlord, {P}, lives in {L}.',
  'I bank with {O} and my card was declined in {L}.',
  'Emergency contact: {P} (sister), {L}.',
  'Signed on behalf of {O} by {P}, Director.',
  '{O} reported a breach affecting users in {L}.',
  'Talked to {F} from {O} today, great call.',
  'Flight to {L} booked for {P}.',
  'We are expanding from {L} into {L} with {O}.',
  'Reviewer {P} rated the {L} branch of {O} four stars.',
  // A first name alone, where prompts carry one: greetings, thanks, sign-offs, chat speakers,
  // notes that open with the person.
  'Thanks {F}! Your parcel from {O} should arrive on Thursday.',
  'Hi {F},\nthe {L} office is closed on Monday.\nBest,\n{F}',
  '{F}: is the {O} demo still on?\n{F}: yes, at 3pm',
  '[14:20] {F}: my card was charged twice\n[14:22] {F}: refunded now',
  'Please send the signed form back to me. Cheers, {F}',
  'The keys are under the mat. — {F}',
  '{F} reports less pain since the visit to {O}.',
  '{F} mentioned that {O} may open an office in {L}.',
  'Sorry for the wait, {F}. I have escalated it to {O}.',
  'Good morning {F}, your appointment at {O} is confirmed.',
  'Yesterday {F} told me the {L} store is closing.',
  'Thank you, {F}.',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

function org(random: () => number): string {
  const r = random();
  if (r < 0.3) return pick(random, ORG_FULL);
  if (r < 0.55) return `${pick(random, LAST)} ${pick(random, ORG_SUFFIX)}`;
  return `${pick(random, ORG_WORDS)} ${pick(random, ORG_SUFFIX)}`;
}

const ONSETS = [
  'b',
  'br',
  'd',
  'f',
  'g',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  'st',
  't',
  'tr',
  'v',
  'z',
  'ch',
  'sh',
  'th',
  '',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'y'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 'th', 'x', 'nd', 'rk'];

/** Share of first names and surnames invented from syllables: names no list holds, so the
 * model learns the contexts people are named in, not only the names it has seen. */
const INVENTED = 0.2;

function invented(random: () => number): string {
  const syllables = 2 + Math.floor(random() * 2);
  let w = '';
  for (let i = 0; i < syllables; i++) w += pick(random, ONSETS) + pick(random, VOWELS);
  w += pick(random, CODAS);
  return w[0].toUpperCase() + w.slice(1);
}

function firstName(random: () => number): string {
  return random() < INVENTED ? invented(random) : pick(random, FIRST);
}

function surname(random: () => number): string {
  return random() < INVENTED ? invented(random) : pick(random, LAST);
}

function value(random: () => number, slot: Slot): { text: string; type: string } {
  switch (slot) {
    case 'P': {
      const first = firstName(random);
      const r = random();
      const name =
        r < 0.15
          ? first
          : r < 0.25
            ? `${first[0].toUpperCase()}. ${surname(random)}`
            : `${first} ${surname(random)}`;
      return { text: name, type: 'PERSON' };
    }
    case 'F':
      return { text: firstName(random), type: 'PERSON' };
    case 'L':
      return {
        text: random() < 0.75 ? pick(random, CITIES) : pick(random, REGIONS),
        type: 'LOCATION',
      };
    case 'O':
      return { text: org(random), type: 'ORGANIZATION' };
  }
}

/** `count` generated texts, the same ones for the same seed. */
export function syntheticTexts(seed: number, count = 2500): LabelledText[] {
  const random = mulberry32(seed ^ 0x5eed);
  const out: LabelledText[] = [];
  for (let n = 0; n < count; n++) {
    const template = pick(random, TEMPLATES);
    const casing = random();
    let text = '';
    const entities: { type: string; start: number; end: number }[] = [];
    let last = 0;
    for (const m of template.matchAll(/\{([PFLO])\}/g)) {
      text += template.slice(last, m.index);
      const v = value(random, m[1] as Slot);
      let shown = v.text;
      // Some chat is typed in lower case; the label stays.
      if (casing < 0.08) shown = shown.toLowerCase();
      // "the Algarve": the article is not part of the name.
      const article = /^the /i.exec(shown);
      const start = text.length + (article ? 4 : 0);
      text += shown;
      entities.push({ type: v.type, start, end: text.length });
      last = (m.index ?? 0) + m[0].length;
    }
    text += template.slice(last);
    if (casing < 0.08) text = text.toLowerCase();
    out.push({ text, entities });
  }
  return out;
}
