/**
 * Valid synthetic PII values for the evaluation set. Every value passes the check digit a real
 * one would (Luhn, mod-97, ABA, NPI, DEA, VIN, base58check, bech32, EIP-55), so a detector that
 * validates is measured fairly. All randomness comes from the seeded faker passed in.
 */
import type { Faker } from '@faker-js/faker';
import { isValidPhoneNumber, parsePhoneNumber, type CountryCode } from 'libphonenumber-js';
import {
  abaCheckDigit,
  base58check,
  bech32SegwitAddress,
  deaCheckDigit,
  eip55,
  ibanFromBban,
  luhnCheckDigit,
  npiCheckDigit,
  vinCheckChar,
} from './eval-checksums';

export type Locale = 'en_US' | 'en_GB' | 'de' | 'fr' | 'es' | 'it' | 'nl';

/**
 * Real small towns that are in none of the engine's place lists (city-timezones, compromise):
 * the evaluation must not reward a detector for knowing the values it is scored on.
 * test/unit/eval-disjoint.spec.ts fails if one of these, or any organisation below, is in the
 * engine's gazetteers or cue lists.
 */
export const REAL_CITIES: Record<Locale, readonly string[]> = {
  en_US: [
    'Chillicothe',
    'Ypsilanti',
    'Sandpoint',
    'Hood River',
    'Decorah',
    'Natchitoches',
    'Brattleboro',
    'Taos',
    'Sedona',
  ],
  en_GB: [
    'Hexham',
    'Penrith',
    'Tiverton',
    'Bideford',
    'Frome',
    'Thirsk',
    'Keswick',
    'Oban',
    'Brecon',
    'Tenby',
    'Morpeth',
    'Ashbourne',
    'Malton',
    'Alnwick',
    'Dornoch',
  ],
  de: [
    'Quedlinburg',
    'Wernigerode',
    'Meersburg',
    'Lindau',
    'Rothenburg ob der Tauber',
    'T\u00fcbingen',
    'Wismar',
    'Goslar',
    'Celle',
    'L\u00fcneburg',
    'Husum',
    'Bautzen',
    'G\u00f6rlitz',
    'Dinkelsb\u00fchl',
    'Landshut',
  ],
  fr: [
    'Colmar',
    'Sarlat-la-Can\u00e9da',
    'Honfleur',
    'Vannes',
    'Quimper',
    'Albi',
    'Cahors',
    'Millau',
    'Beaune',
    'Chinon',
    'Saumur',
    'Laval',
    'P\u00e9rigueux',
    'Bayeux',
    'Menton',
  ],
  es: ['Teruel', '\u00dabeda', 'Tarifa', '\u00c1vila', 'Jaca', 'Olot', 'Figueres'],
  it: ['Orvieto', 'Urbino', 'Mantova', 'Cremona', 'Spoleto', 'Gubbio', 'Sondrio'],
  nl: [
    'Deventer',
    'Kampen',
    'Harderwijk',
    'Hoorn',
    'Enkhuizen',
    'Gouda',
    'Alkmaar',
    'Sneek',
    'Venlo',
    'Roermond',
    'Zierikzee',
  ],
};

export const COUNTRY_OF: Record<Locale, string> = {
  en_US: 'United States',
  en_GB: 'United Kingdom',
  de: 'Germany',
  fr: 'France',
  es: 'Spain',
  it: 'Italy',
  nl: 'Netherlands',
};

/** Invented brand-like organisations (not real companies, in no engine list). */
export const WELL_KNOWN_ORGS = [
  'Brightwater Analytics',
  'Kestrel Mutual',
  'Harbourline Freight',
  'Quillfeather Press',
  'Northgate Robotics',
  'Solvane Energy',
  'Tidemark Capital',
  'Copperleaf Bank',
  'Ferncastle Insurance',
  'Lumora Health',
  'Palisade Logistics',
  'Veridian Works',
  'Stonebridge Credit Union',
  'Orchard Lane Software',
  'Bluecrest Telecom',
  'Ashgrove Pharmaceuticals',
  'Wrenfield Media',
  'Galloway & Finch',
  'Marrowick Foods',
  'Halcyon Payroll',
  'Driftwood Outfitters',
  'Tessaract Labs',
  'Ironvale Steel',
  'Crescent Mercantile',
  'Pinecrest Hotels',
  'Amberline Airways',
  'Kingsmere Retail',
  'Foxglove Cosmetics',
  'Redhill Automotive',
  'Silverpine Data',
];

/** Invented hospitals. */
export const HOSPITALS = [
  'St. Aldric Medical Center',
  'Riverbend Community Hospital',
  'Lakeshore Regional Medical Center',
  'Mercyvale Hospital',
  "Eastmoor Children's Hospital",
  'Hollins Valley Clinic',
  'Saint Brigid Health System',
  'Westbrook Memorial Hospital',
];

/** Invented health insurers. */
export const INSURERS = [
  'Meridian Mutual Health',
  'Keystone Harbor Insurance',
  'Pinnacle Care Plans',
  'Evergreen Shield',
  'Northwind Health Partners',
  'Summitline Assurance',
];

export const ICD10 = [
  ['E11.9', 'type 2 diabetes mellitus without complications'],
  ['I10', 'essential hypertension'],
  ['J45.909', 'unspecified asthma, uncomplicated'],
  ['M54.5', 'low back pain'],
  ['F32.1', 'major depressive disorder, single episode, moderate'],
  ['Z79.4', 'long-term use of insulin'],
  ['S72.001A', 'fracture of right femoral neck, initial encounter'],
  ['N18.3', 'chronic kidney disease, stage 3'],
  ['I48.91', 'unspecified atrial fibrillation'],
  ['J18.9', 'pneumonia, unspecified organism'],
  ['E78.5', 'hyperlipidemia, unspecified'],
  ['K21.9', 'gastro-esophageal reflux disease'],
  ['G47.33', 'obstructive sleep apnea'],
  ['C50.911', 'malignant neoplasm of right female breast'],
  ['F41.1', 'generalized anxiety disorder'],
  ['R07.9', 'chest pain, unspecified'],
] as const;

const US_AREA_CODES = [
  '212',
  '415',
  '312',
  '617',
  '303',
  '206',
  '512',
  '404',
  '305',
  '702',
  '213',
  '646',
  '718',
  '202',
  '214',
  '469',
  '602',
  '619',
  '720',
  '773',
  '857',
  '971',
  '503',
  '801',
  '919',
];
const US_STATES_DL = ['CA', 'NY', 'FL', 'TX', 'IL', 'PA', 'WA'] as const;
export const STATE_NAMES: Record<(typeof US_STATES_DL)[number], string> = {
  CA: 'California',
  NY: 'New York',
  FL: 'Florida',
  TX: 'Texas',
  IL: 'Illinois',
  PA: 'Pennsylvania',
  WA: 'Washington',
};

export class ValueFactory {
  constructor(private readonly rng: Faker) {}

  pick<T>(items: readonly T[]): T {
    return this.rng.helpers.arrayElement(items);
  }

  int(min: number, max: number): number {
    return this.rng.number.int({ min, max });
  }

  digits(n: number): string {
    return this.rng.string.numeric({ length: n, allowLeadingZeros: true });
  }

  chance(p: number): boolean {
    return this.rng.number.float({ min: 0, max: 1 }) < p;
  }

  upperAlnum(n: number): string {
    return this.rng.string.alphanumeric({ length: n, casing: 'upper' });
  }

  ssn(): string {
    let area = this.int(1, 899);
    if (area === 666) area = 667;
    const a = String(area).padStart(3, '0');
    const g = String(this.int(1, 99)).padStart(2, '0');
    const s = String(this.int(1, 9999)).padStart(4, '0');
    return this.pick([`${a}-${g}-${s}`, `${a}-${g}-${s}`, `${a} ${g} ${s}`, `${a}${g}${s}`]);
  }

  itin(): string {
    const group = this.pick([70, 71, 72, 75, 78, 80, 83, 88, 90, 92, 94, 97, 99]);
    return `9${this.digits(2)}-${group}-${this.digits(4)}`;
  }

  card(): string {
    const brand = this.pick(['visa', 'visa', 'mc', 'mc2', 'amex', 'discover'] as const);
    const prefix = {
      visa: '4',
      mc: String(this.int(51, 55)),
      mc2: String(this.int(2221, 2720)),
      amex: this.pick(['34', '37']),
      discover: '6011',
    }[brand];
    const len = brand === 'amex' ? 15 : 16;
    const payload = prefix + this.digits(len - 1 - prefix.length);
    const pan = payload + luhnCheckDigit(payload);
    const sep = this.pick([' ', '-', '', ' ']);
    if (brand === 'amex') return [pan.slice(0, 4), pan.slice(4, 10), pan.slice(10)].join(sep);
    return pan.match(/.{4}/g)!.join(sep);
  }

  iban(country?: string): string {
    const c = country ?? this.pick(['DE', 'GB', 'FR', 'ES', 'NL', 'IT', 'CH']);
    const letters = (n: number) => this.rng.string.alpha({ length: n, casing: 'upper' });
    const bban: Record<string, () => string> = {
      DE: () => this.digits(18),
      GB: () => letters(4) + this.digits(14),
      FR: () => this.digits(10) + this.upperAlnum(11) + this.digits(2),
      ES: () => this.digits(20),
      NL: () => letters(4) + this.digits(10),
      IT: () => letters(1) + this.digits(10) + this.upperAlnum(12),
      CH: () => this.digits(5) + this.upperAlnum(12),
    };
    const compact = ibanFromBban(c, (bban[c] ?? bban.DE)());
    return this.chance(0.5) ? compact.match(/.{1,4}/g)!.join(' ') : compact;
  }

  routing(): string {
    const prefix = String(
      this.pick([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 21, 22, 26, 31, 32, 61, 63, 67, 71, 72]),
    ).padStart(2, '0');
    const first8 = prefix + this.digits(6);
    return first8 + abaCheckDigit(first8);
  }

  bankAccount(): string {
    return String(this.int(1, 9)) + this.digits(this.int(7, 11));
  }

  npi(): string {
    const first9 = this.pick(['1', '2']) + this.digits(8);
    return first9 + npiCheckDigit(first9);
  }

  dea(lastName: string): string {
    const initial = /^[A-Za-z]/.test(lastName) ? lastName[0].toUpperCase() : 'X';
    const first6 = this.digits(6);
    return this.pick(['A', 'B', 'F', 'G', 'M']) + initial + first6 + deaCheckDigit(first6);
  }

  mrn(): string {
    return this.pick([
      () => this.digits(8),
      () => String(this.int(1, 9)) + this.digits(6),
      () => `${this.digits(3)}-${this.digits(2)}-${this.digits(3)}`,
      () => 'E' + this.digits(7),
    ])();
  }

  healthPlanId(): string {
    const mbiLetters = 'ACDEFGHJKMNPQRTUVWXY';
    const l = () => this.pick(mbiLetters.split(''));
    const an = () => (this.chance(0.5) ? l() : String(this.int(0, 9)));
    return this.pick([
      () => this.rng.string.alpha({ length: 3, casing: 'upper' }) + this.digits(9),
      () => 'W' + this.digits(9),
      () =>
        `${this.int(1, 9)}${l()}${an()}${this.int(0, 9)}-${l()}${an()}${this.int(0, 9)}-${l()}${l()}${this.digits(2)}`,
      () => `${this.rng.string.alpha({ length: 2, casing: 'upper' })}${this.digits(8)}-01`,
    ])();
  }

  medicalLicense(): string {
    return this.pick([
      () => this.pick(['A', 'G', 'C']) + this.digits(5 + this.int(0, 1)),
      () => 'MD' + this.digits(6),
      () => `25MA${this.digits(8)}`,
      () => `${this.int(1, 9)}${this.digits(5)}`,
    ])();
  }

  icd10(): readonly [string, string] {
    return this.pick(ICD10);
  }

  vin(): string {
    const wmi = this.pick([
      '1HG',
      '1FT',
      '2T1',
      '3VW',
      'JHM',
      'WBA',
      '5YJ',
      '1G1',
      'KMH',
      'WDD',
      'JN1',
      '4T1',
    ]);
    const chars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
    const any = (n: number) => Array.from({ length: n }, () => this.pick(chars.split(''))).join('');
    const year = this.pick('ABCDEFGHJKLMNPRSTVWXY123456789'.split(''));
    const draft = wmi + any(5) + '0' + year + any(1) + this.digits(6);
    return draft.slice(0, 8) + vinCheckChar(draft) + draft.slice(9);
  }

  passport(): string {
    return this.chance(0.6)
      ? String(this.int(1, 9)) + this.digits(8)
      : this.pick(['A', 'C', 'E']) + this.digits(8);
  }

  driverLicense(): { state: keyof typeof STATE_NAMES; value: string } {
    const state = this.pick(US_STATES_DL);
    const L = () => this.rng.string.alpha({ length: 1, casing: 'upper' });
    const value = {
      CA: () => L() + this.digits(7),
      NY: () => this.digits(9),
      FL: () =>
        `${L()}${this.digits(3)}-${this.digits(3)}-${this.digits(2)}-${this.digits(3)}-${this.digits(1)}`,
      TX: () => this.digits(8),
      IL: () => `${L()}${this.digits(3)}-${this.digits(4)}-${this.digits(4)}`,
      PA: () => this.digits(8),
      WA: () => 'WDL' + this.upperAlnum(9),
    }[state]();
    return { state, value };
  }

  btc(): string {
    const bytes = Buffer.from(this.rng.string.hexadecimal({ length: 40, prefix: '' }), 'hex');
    return this.pick([
      () => base58check(0, bytes),
      () => base58check(5, bytes),
      () => bech32SegwitAddress(bytes),
    ])();
  }

  eth(): string {
    return eip55(this.rng.string.hexadecimal({ length: 40, casing: 'lower', prefix: '' }));
  }

  apiKey(): string {
    const b32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const alnum = (n: number) => this.rng.string.alphanumeric({ length: n });
    return this.pick([
      () => 'AKIA' + Array.from({ length: 16 }, () => this.pick(b32.split(''))).join(''),
      () => 'ghp_' + alnum(36),
      () => 'sk_live_' + alnum(24),
      () => `xoxb-${this.digits(12)}-${this.digits(13)}-${alnum(24)}`,
      () => 'AIza' + alnum(35),
      () => 'sk-proj-' + alnum(48),
      () => 'glpat-' + alnum(20),
    ])();
  }

  awsSecret(): string {
    return this.rng.string.alphanumeric({ length: 40 });
  }

  jwt(): string {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const payload = b64({ sub: this.digits(8), iat: 1700000000 + this.int(0, 9999999) });
    const sig = Buffer.from(
      this.rng.string.hexadecimal({ length: 64, prefix: '' }),
      'hex',
    ).toString('base64url');
    return `${header}.${payload}.${sig}`;
  }

  pemKey(): string {
    const body = Buffer.from(
      this.rng.string.hexadecimal({ length: 288, prefix: '' }),
      'hex',
    ).toString('base64');
    const lines = body.match(/.{1,64}/g)!.join('\n');
    return `-----BEGIN RSA PRIVATE KEY-----\n${lines}\n-----END RSA PRIVATE KEY-----`;
  }

  ipv4(): string {
    return `${this.int(11, 223)}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }

  ipv6(): string {
    const h = () =>
      this.rng.string.hexadecimal({ length: this.int(1, 4), casing: 'lower', prefix: '' });
    return this.chance(0.5)
      ? Array.from({ length: 8 }, h).join(':')
      : `2001:db8:${h()}:${h()}::${h()}`;
  }

  mac(): string {
    const sep = this.pick([':', '-']);
    const hex = this.rng.string.hexadecimal({
      length: 12,
      casing: this.pick(['lower', 'upper'] as const),
      prefix: '',
    });
    return hex.match(/.{2}/g)!.join(sep);
  }

  phone(locale: Locale): string {
    const region: CountryCode = (
      { en_US: 'US', en_GB: 'GB', de: 'DE', fr: 'FR', es: 'ES', it: 'IT', nl: 'NL' } as const
    )[locale];
    for (let attempt = 0; attempt < 200; attempt++) {
      const national = {
        US: () => this.pick(US_AREA_CODES) + String(this.int(2, 9)) + this.digits(6),
        GB: () => '7' + String(this.int(4, 9)) + this.digits(8),
        DE: () =>
          '1' + this.pick(['51', '52', '60', '70', '71', '76']) + this.digits(7 + this.int(0, 1)),
        FR: () => this.pick(['6', '7', '1']) + this.digits(8),
        ES: () => this.pick(['6', '7']) + this.digits(8),
        IT: () => '3' + this.pick(['20', '33', '40', '47', '93']) + this.digits(7),
        NL: () => '6' + this.digits(8),
      }[region as 'US']();
      if (!isValidPhoneNumber(national, region)) continue;
      const parsed = parsePhoneNumber(national, region);
      if (region === 'US') {
        const n = parsed.nationalNumber;
        const [a, b, c] = [n.slice(0, 3), n.slice(3, 6), n.slice(6)];
        return this.pick([
          `(${a}) ${b}-${c}`,
          `${a}-${b}-${c}`,
          `${a}.${b}.${c}`,
          `+1 ${a} ${b} ${c}`,
          `+1-${a}-${b}-${c}`,
          `1-${a}-${b}-${c}`,
        ]);
      }
      return this.chance(0.6) ? parsed.formatInternational() : parsed.formatNational();
    }
    throw new Error(`could not generate a valid ${region} phone number`);
  }

  /** A calendar date written the way the locale usually does. */
  date(locale: Locale, from = '2019-01-01', to = '2025-12-31'): string {
    const d = this.rng.date.between({ from, to });
    const day = d.getUTCDate();
    const month = d.getUTCMonth();
    const year = d.getUTCFullYear();
    const dd = String(day).padStart(2, '0');
    const mm = String(month + 1).padStart(2, '0');
    const monthsEn = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    const monthsDe = [
      'Januar',
      'Februar',
      'März',
      'April',
      'Mai',
      'Juni',
      'Juli',
      'August',
      'September',
      'Oktober',
      'November',
      'Dezember',
    ];
    const monthsFr = [
      'janvier',
      'février',
      'mars',
      'avril',
      'mai',
      'juin',
      'juillet',
      'août',
      'septembre',
      'octobre',
      'novembre',
      'décembre',
    ];
    const monthsEs = [
      'enero',
      'febrero',
      'marzo',
      'abril',
      'mayo',
      'junio',
      'julio',
      'agosto',
      'septiembre',
      'octubre',
      'noviembre',
      'diciembre',
    ];
    switch (locale) {
      case 'en_US':
        return this.pick([
          `${monthsEn[month]} ${day}, ${year}`,
          `${mm}/${dd}/${year}`,
          `${year}-${mm}-${dd}`,
          `${monthsEn[month].slice(0, 3)} ${day}, ${year}`,
          `${month + 1}/${day}/${year}`,
        ]);
      case 'en_GB':
        return this.pick([
          `${day} ${monthsEn[month]} ${year}`,
          `${dd}/${mm}/${year}`,
          `${day} ${monthsEn[month].slice(0, 3)} ${year}`,
        ]);
      case 'de':
        return this.pick([`${dd}.${mm}.${year}`, `${day}. ${monthsDe[month]} ${year}`]);
      case 'fr':
        return this.pick([`${dd}/${mm}/${year}`, `${day} ${monthsFr[month]} ${year}`]);
      case 'es':
        return this.pick([`${dd}/${mm}/${year}`, `${day} de ${monthsEs[month]} de ${year}`]);
      default:
        return this.pick([`${dd}-${mm}-${year}`, `${year}-${mm}-${dd}`]);
    }
  }

  dob(locale: Locale): string {
    return this.date(locale, '1934-01-01', '2005-12-31');
  }

  isoTimestamp(): string {
    return this.rng.date.between({ from: '2024-01-01', to: '2025-12-31' }).toISOString();
  }
}
