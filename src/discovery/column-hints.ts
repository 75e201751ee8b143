/**
 * What a column's name says about its content. A hint never classifies a column on its own
 * (a `name` column of products holds no people); it raises the confidence of value evidence
 * for the type it names, and it is the only evidence for dates of an individual (a `dob`
 * column is PII by name and type, an `ordered_at` column is not).
 */

/** Splits `firstName`, `first_name`, `FIRST-NAME` into lowercase words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** A column label the detection engine reads as context, e.g. `first_name` → `first name`. */
export function contextLabel(name: string): string {
  return nameWords(name).join(' ');
}

type HintRule = {
  type: string;
  /** Any of these words alone. */
  words?: readonly string[];
  /** All words of any of these groups. */
  all?: readonly (readonly string[])[];
};

const PERSON_QUALIFIERS = ['first', 'last', 'full', 'given', 'family', 'middle', 'maiden', 'sur'];

const RULES: readonly HintRule[] = [
  { type: 'EMAIL_ADDRESS', words: ['email', 'emails', 'mail', 'emailaddress'] },
  {
    type: 'PHONE_NUMBER',
    words: [
      'phone',
      'phones',
      'mobile',
      'cell',
      'tel',
      'telephone',
      'fax',
      'msisdn',
      'phonenumber',
    ],
  },
  { type: 'US_SSN', words: ['ssn', 'ssns'], all: [['social', 'security']] },
  { type: 'US_ITIN', words: ['itin'] },
  {
    type: 'CREDIT_CARD',
    words: ['pan', 'cc', 'creditcard', 'cardnumber'],
    all: [
      ['card', 'number'],
      ['card', 'no'],
      ['card', 'num'],
      ['credit', 'card'],
    ],
  },
  { type: 'IBAN_CODE', words: ['iban'] },
  {
    type: 'US_BANK_NUMBER',
    words: ['acct'],
    all: [
      ['account', 'number'],
      ['account', 'no'],
      ['bank', 'account'],
    ],
  },
  { type: 'ABA_ROUTING_NUMBER', words: ['routing', 'aba'] },
  { type: 'IP_ADDRESS', words: ['ip', 'ipv4', 'ipv6', 'ipaddress'], all: [['remote', 'addr']] },
  { type: 'MAC_ADDRESS', words: ['mac', 'macaddress'] },
  { type: 'URL', words: ['url', 'website', 'homepage', 'uri'] },
  {
    type: 'DATE_TIME',
    words: [
      'dob',
      'birth',
      'birthdate',
      'birthday',
      'born',
      'death',
      'deceased',
      'admission',
      'admitted',
      'discharge',
      'discharged',
    ],
  },
  {
    type: 'LOCATION',
    words: ['city', 'town', 'country', 'state', 'province', 'county', 'region', 'location'],
  },
  { type: 'STREET_ADDRESS', words: ['address', 'street', 'addr', 'address1', 'address2'] },
  { type: 'ZIP_CODE', words: ['zip', 'zipcode', 'postal', 'postcode'] },
  {
    type: 'ORGANIZATION',
    words: [
      'company',
      'employer',
      'organization',
      'organisation',
      'org',
      'insurer',
      'business',
      'vendor',
      'supplier',
      'merchant',
    ],
  },
  {
    type: 'PERSON',
    words: ['firstname', 'lastname', 'surname', 'fullname', 'forename', 'givenname', 'nickname'],
    all: PERSON_QUALIFIERS.map((q) => [q, 'name']),
  },
  {
    type: 'US_DRIVER_LICENSE',
    all: [
      ['driver', 'license'],
      ['drivers', 'license'],
      ['driver', 'licence'],
      ['dl', 'number'],
    ],
  },
  { type: 'US_PASSPORT', words: ['passport'] },
  { type: 'MEDICAL_RECORD_NUMBER', words: ['mrn'], all: [['medical', 'record']] },
  { type: 'US_NPI', words: ['npi'] },
  { type: 'US_DEA', words: ['dea'] },
  {
    type: 'HEALTH_PLAN_ID',
    all: [
      ['member', 'id'],
      ['insurance', 'id'],
      ['health', 'plan'],
      ['subscriber', 'id'],
    ],
  },
  {
    type: 'MEDICAL_LICENSE',
    all: [
      ['medical', 'license'],
      ['medical', 'licence'],
    ],
  },
  { type: 'ICD10_CODE', words: ['icd', 'icd10'], all: [['diagnosis', 'code']] },
  { type: 'AGE', words: ['age'] },
  { type: 'CRYPTO', words: ['wallet', 'btc', 'eth'] },
  { type: 'VIN', words: ['vin'] },
  {
    type: 'API_KEY',
    words: ['apikey', 'secret', 'token'],
    all: [
      ['api', 'key'],
      ['access', 'key'],
    ],
  },
];

/** A bare `name` column means a person's name in tables about people, not in `products`. */
const PEOPLE_TABLE_WORDS = new Set([
  'customer',
  'customers',
  'patient',
  'patients',
  'user',
  'users',
  'employee',
  'employees',
  'contact',
  'contacts',
  'member',
  'members',
  'person',
  'people',
  'persons',
  'staff',
  'student',
  'students',
  'client',
  'clients',
  'applicant',
  'applicants',
  'guardian',
  'guardians',
  'physician',
  'physicians',
  'doctor',
  'doctors',
  'author',
  'authors',
  'subscriber',
  'subscribers',
]);

/**
 * Column-name words that name things, not people: a `product` or `brand` column holds
 * "Aunt Mary's Jam" and "Baker & Sons", which contain names but are not PERSON.
 */
const THING_WORDS = new Set([
  'product',
  'products',
  'item',
  'items',
  'sku',
  'title',
  'brand',
  'vendor',
  'merchant',
  'supplier',
  'company',
  'business',
  'store',
  'shop',
  'restaurant',
  'description',
  'category',
  'model',
  'tag',
  'file',
  'project',
  'team',
  'department',
  'plan',
  'course',
  'book',
  'song',
  'album',
  'recipe',
]);

/**
 * Column-name words that suggest people without saying "name": they decide only a borderline
 * share of matches (an `owner` column where half the values read as names).
 */
const PERSON_ROLE_WORDS = new Set([
  'owner',
  'assignee',
  'contact',
  'author',
  'by',
  'requester',
  'reporter',
  'sender',
  'recipient',
  'manager',
  'agent',
  'rep',
  'attendee',
  'guest',
  'driver',
  'technician',
  'provider',
  'signer',
  'witness',
  'approver',
  'reviewer',
  'employee',
  'patient',
  'customer',
  'client',
]);

/** Types the column's name rules out on value evidence alone (a `product` column is not PERSON). */
export function unlikelyTypes(column: string): Set<string> {
  const words = nameWords(column);
  return words.some((w) => THING_WORDS.has(w)) ? new Set(['PERSON']) : new Set();
}

/** Types the column's name suggests softly: they decide a borderline share of matches. */
export function softHintedTypes(column: string): Set<string> {
  const words = nameWords(column);
  return words.some((w) => PERSON_ROLE_WORDS.has(w)) && !words.some((w) => THING_WORDS.has(w))
    ? new Set(['PERSON'])
    : new Set();
}

/** Entity types the column's name suggests (usually zero or one). */
export function hintedTypes(column: string, table: string): Set<string> {
  const words = nameWords(column);
  const set = new Set(words);
  const hinted = new Set<string>();
  for (const rule of RULES) {
    const byWord = rule.words?.some((w) => set.has(w)) ?? false;
    const byGroup = rule.all?.some((group) => group.every((w) => set.has(w))) ?? false;
    if (byWord || byGroup) hinted.add(rule.type);
  }
  const personNoun = words.some((w) => PEOPLE_TABLE_WORDS.has(w));
  if (set.has('name') && (personNoun || nameWords(table).some((w) => PEOPLE_TABLE_WORDS.has(w)))) {
    // `patient_name`, or `name` in `customers`; but not `company_name` or `product_name`.
    if (!hinted.has('ORGANIZATION') && !set.has('product') && !set.has('file'))
      hinted.add('PERSON');
  }
  return hinted;
}
