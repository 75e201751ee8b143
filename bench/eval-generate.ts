/**
 * Regenerates test/fixtures/eval/dataset.jsonl from templates (seeded, reproducible) plus the
 * hand-written cases in test/fixtures/eval/hard-cases.txt. Labelling rules: test/fixtures/eval/README.md.
 * Run: npm run build && node dist/bench/eval-generate.js
 */
import { allFakers, type Faker } from '@faker-js/faker';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_ENTITY_TYPES } from '../src/detection';
import * as cues from '../src/detection/nlp/cues';
import { gazetteers } from '../src/detection/nlp/gazetteers';
import { datasetPath, parseMarkup, repoRoot, type EvalRecord } from './lib/eval-dataset';
import {
  COUNTRY_OF,
  HOSPITALS,
  INSURERS,
  REAL_CITIES,
  STATE_NAMES,
  ValueFactory,
  WELL_KNOWN_ORGS,
  type Locale,
} from './lib/eval-values';

type EntityType = (typeof BUILTIN_ENTITY_TYPES)[number];

const SEED = 20261123;
const LOCALES: readonly Locale[] = [
  'en_US',
  'en_US',
  'en_US',
  'en_US',
  'en_GB',
  'de',
  'fr',
  'es',
  'it',
  'nl',
];

type NamePools = { first: readonly string[]; last: readonly string[] };
const namePoolCache = new Map<Locale, NamePools>();

/**
 * faker's first and last names for a locale minus every name the engine's gazetteers know, so a
 * PERSON in the generated set is found from its context and shape, not looked up.
 * test/unit/eval-disjoint.spec.ts checks the result.
 */
export function namePools(locale: Locale): NamePools {
  let pools = namePoolCache.get(locale);
  if (pools) return pools;
  const known = gazetteers();
  const cueWords = new Set<string>();
  for (const list of Object.values(cues) as unknown[]) {
    const items: unknown[] =
      list instanceof Set ? [...(list as Set<unknown>)] : Array.isArray(list) ? list : [];
    for (const item of items) if (typeof item === 'string') cueWords.add(item.toLowerCase());
  }
  const listed = (w: string) =>
    known.names.has(w) ||
    known.firstNames.has(w) ||
    known.places.has(w) ||
    known.organizations.has(w) ||
    cueWords.has(w);
  const unknown = (n: string) =>
    !listed(n.toLowerCase()) && n.split(/[\s-]+/).every((w) => !listed(w.toLowerCase()));
  const defs = allFakers[locale].definitions.person;
  const all = (v: unknown): string[] => {
    if (!v || typeof v !== 'object') return [];
    const o = v as Record<string, unknown>;
    return ['generic', 'female', 'male'].flatMap((k) =>
      Array.isArray(o[k]) ? (o[k] as string[]) : [],
    );
  };
  const uniq = (xs: string[]) => [...new Set(xs)].filter(unknown).sort();
  pools = { first: uniq(all(defs?.first_name)), last: uniq(all(defs?.last_name)) };
  namePoolCache.set(locale, pools);
  return pools;
}

/** Marks a gold span in template text. */
const e = (type: EntityType, value: string): string => `{{${type}|${value}}}`;

interface Person {
  first: string;
  last: string;
  full: string;
}

/** Everything a template may draw on, bound to one locale. */
class Ctx {
  constructor(
    readonly f: Faker,
    readonly v: ValueFactory,
    readonly locale: Locale,
  ) {}

  person(): Person {
    const first = this.firstName();
    const last = this.lastName();
    return { first, last, full: `${first} ${last}` };
  }

  email(p: Person): string {
    return this.f.internet.email({ firstName: p.first, lastName: p.last }).toLowerCase();
  }

  city(): string {
    return this.v.pick(REAL_CITIES[this.locale]);
  }

  country(): string {
    return COUNTRY_OF[this.locale];
  }

  org(): string {
    if (this.v.chance(0.5)) return this.v.pick(WELL_KNOWN_ORGS);
    const name = this.f.company.name();
    return /\b(LLC|Inc|Group|GmbH|SARL|SA|SL|BV|SpA|Ltd|plc|AG|KG|SEM|SAS|e\.V\.)\b/.test(name)
      ? name
      : `${this.f.person.lastName()} ${this.v.pick(['Consulting', 'Logistics', 'Partners', 'Holdings', 'Analytics', 'Solutions'])}`;
  }

  /** A full postal address in the locale's order, as one STREET_ADDRESS span. */
  address(): string {
    const street = this.f.location.streetAddress(this.v.chance(0.3));
    const city = this.city();
    switch (this.locale) {
      case 'en_US':
        return `${street}, ${city}, ${this.f.location.state({ abbreviated: true })} ${this.f.location.zipCode('#####')}`;
      case 'en_GB':
        return `${street}, ${city} ${this.ukPostcode()}`;
      default:
        return `${street}, ${this.f.location.zipCode()} ${city}`;
    }
  }

  phone(): string {
    return this.v.phone(this.locale);
  }

  /** faker's en_GB postcodes do not follow the real format (e.g. `TW00 24Z`); real ones do. */
  ukPostcode(): string {
    const area = this.v.pick([
      'SW',
      'E',
      'N',
      'M',
      'B',
      'LS',
      'G',
      'EH',
      'BS',
      'CF',
      'L',
      'NG',
      'OX',
      'CB',
    ]);
    const inwardLetters = 'ABDEFGHJLNPQRSTUWXYZ';
    const letter = () => this.v.pick(inwardLetters.split(''));
    return `${area}${this.v.int(1, 20)} ${this.v.int(0, 9)}${letter()}${letter()}`;
  }

  /** An address laid out on lines, as in a letter head; still one STREET_ADDRESS span. */
  addressLines(): string {
    return this.address().replace(', ', '\n');
  }

  firstName(): string {
    return this.v.pick(namePools(this.locale).first);
  }

  /** A social or chat handle made from an unlisted name: `@teodora_v82`. */
  handle(): string {
    const name =
      this.firstName()
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z]/g, '') || 'user';
    return `@${name}${this.v.pick(['', '_', '.'])}${this.v.int(1, 99)}`;
  }

  lastName(): string {
    return this.v.pick(namePools(this.locale).last);
  }

  date(): string {
    return this.v.date(this.locale);
  }

  dob(): string {
    return this.v.dob(this.locale);
  }

  /** A reference to a person the way people write them, including titles kept outside the span. */
  mention(p: Person): string {
    return this.v.pick([
      () => e('PERSON', p.full),
      () => e('PERSON', p.full),
      () => `${this.v.pick(['Mr.', 'Ms.', 'Mrs.', 'Dr.'])} ${e('PERSON', p.last)}`,
      () => `${this.v.pick(['Mr', 'Ms', 'Dr'])} ${e('PERSON', p.full)}`,
      () =>
        e('PERSON', `${p.first} ${this.f.string.alpha({ length: 1, casing: 'upper' })}. ${p.last}`),
    ])();
  }

  orderNo(): string {
    return this.v.pick([
      `#${this.v.int(100000, 999999)}`,
      `A-${this.v.int(1000, 99999)}`,
      `ORD-${this.v.int(2019, 2025)}-${this.v.digits(5)}`,
    ]);
  }

  price(): string {
    return `${this.v.pick(['$', '€', '£'])}${this.v.int(5, 2500)}.${this.v.digits(2)}`;
  }
}

type Template = (c: Ctx) => string;

const supportChat: Template[] = [
  (c) => {
    const p = c.person();
    return `Agent: Thanks ${e('PERSON', p.first)}! I've updated the phone number on your account to ${e('PHONE_NUMBER', c.phone())}. Anything else?\n${e('PERSON', p.first)}: no thats all, cheers`;
  },
  (c) =>
    `Customer wrote: "My name is ${e('PERSON', c.person().full)} and I was born on ${e('DATE_TIME', c.dob())}. I can't access the account I opened in ${e('LOCATION', c.city())}." Please verify with the code sent to ${e('PHONE_NUMBER', c.phone())}.`,
  (c) => {
    const p = c.person();
    return `Customer: Hi, I'm ${e('PERSON', p.full)}. My order ${c.orderNo()} (${c.price()}) hasn't arrived. You can reach me at ${e('PHONE_NUMBER', c.phone())} or ${e('EMAIL_ADDRESS', c.email(p))}.\nAgent: Thanks ${e('PERSON', p.first)}, I see the parcel went to ${e('STREET_ADDRESS', c.address())}. I've escalated ticket ${c.v.int(10000, 99999)}.`;
  },
  (c) =>
    `User: my card ${e('CREDIT_CARD', c.v.card())} was charged twice (${c.price()}) on ${e('DATE_TIME', c.date())}, pls refund\nAgent: Sorry about that! Could you confirm the billing ZIP?\nUser: zip is ${e('ZIP_CODE', c.f.location.zipCode('#####'))}`,
  (c) => {
    const p = c.person();
    const agent = c.person();
    const mail = c.email(p);
    return `[10:02] ${e('PERSON', p.first)}: hey, cant log in, my login is ${e('EMAIL_ADDRESS', mail)}\n[10:03] ${e('PERSON', agent.first)} (support): I just sent a reset link to ${e('EMAIL_ADDRESS', mail)}. It expires in 30 minutes.\n[10:05] ${e('PERSON', p.first)}: got it, thanks!`;
  },
  (c) => {
    const p = c.person();
    return `hi this is ${e('PERSON', p.full.toLowerCase())} from ${e('LOCATION', c.city().toLowerCase())}, can someone call me back on ${e('PHONE_NUMBER', c.phone())}? its about invoice ${c.v.int(1000, 9999)}`;
  },
  (c) => {
    const p = c.person();
    return `Agent: For verification, can you give me your date of birth?\nCaller: ${e('DATE_TIME', c.dob())}.\nAgent: And the email on file?\nCaller: ${e('EMAIL_ADDRESS', c.email(p))}. The account is under ${e('PERSON', p.full)}.\nAgent: Thank you, you're verified.`;
  },
  (c) => {
    const p = c.person();
    return `Chat transcript — ${e('ORGANIZATION', c.org())} support\nVisitor (${e('PERSON', p.full)}): I moved to ${e('STREET_ADDRESS', c.address())}, please update my shipping address. Order ${c.orderNo()} is still pending.\nBot: Your address has been updated. 👍`;
  },
  (c) => {
    const p = c.person();
    return `${e('PERSON', p.first)} here 😊 quick question: is the ${c.v.pick(['Pro', 'Plus', 'Team'])} plan ${c.price()}/month? My colleague ${c.mention(c.person())} said so. Reply to ${e('EMAIL_ADDRESS', c.email(p))} pls`;
  },
  (c) =>
    `Caller says her SSN ${e('US_SSN', c.v.ssn())} was used to open an account in ${e('LOCATION', c.city())}. Callback number ${e('PHONE_NUMBER', c.phone())}. Case ${c.v.int(100000, 999999)} opened.`,
];

const clinicalNote: Template[] = [
  (c) => {
    const pt = c.person();
    const doc = c.person();
    return `Telehealth visit ${e('DATE_TIME', c.date())}. ${e('PERSON', pt.first)} reports improved sleep on melatonin 3 mg. Grandmother (age ${e('AGE', String(c.v.int(90, 99)))}) has dementia; mother is 64. Next appointment ${e('DATE_TIME', c.date())} with Dr. ${e('PERSON', doc.last)}. Portal message sent to ${e('EMAIL_ADDRESS', c.email(pt))}.`;
  },
  (c) => {
    const doc = c.person();
    return `Credentialing: Dr. ${e('PERSON', doc.full)}, state medical license ${e('MEDICAL_LICENSE', c.v.medicalLicense())}, NPI ${e('US_NPI', c.v.npi())}, privileges at ${e('ORGANIZATION', c.v.pick(HOSPITALS))} through ${e('DATE_TIME', c.date())}.`;
  },
  (c) => {
    const pt = c.person();
    const doc = c.person();
    const [code, desc] = c.v.icd10();
    return `Patient: ${e('PERSON', pt.full)}   DOB: ${e('DATE_TIME', c.dob())}   MRN: ${e('MEDICAL_RECORD_NUMBER', c.v.mrn())}\nSeen on ${e('DATE_TIME', c.date())} by Dr. ${e('PERSON', doc.last)} (NPI ${e('US_NPI', c.v.npi())}) at ${e('ORGANIZATION', c.v.pick(HOSPITALS))}.\nAssessment: ${desc} (${e('ICD10_CODE', code)}). Rx sent, prescriber DEA ${e('US_DEA', c.v.dea(doc.last))}.\nInsurance: ${e('ORGANIZATION', c.v.pick(INSURERS))}, member ID ${e('HEALTH_PLAN_ID', c.v.healthPlanId())}.`;
  },
  (c) => {
    const pt = c.person();
    const kin = c.person();
    const [code, desc] = c.v.icd10();
    const age = String(c.v.int(90, 104));
    return `HPI: ${e('AGE', age)}-year-old ${c.v.pick(['female', 'male'])} presents with shortness of breath for 3 days. History of ${desc} (${e('ICD10_CODE', code)}). Lives with daughter ${e('PERSON', kin.full)} in ${e('LOCATION', c.city())}. Emergency contact: ${e('PHONE_NUMBER', c.phone())}. BP 142/88, HR 96, SpO2 93%.\nPatient name: ${e('PERSON', pt.full)}`;
  },
  (c) => {
    const pt = c.person();
    const doc = c.person();
    return `DISCHARGE SUMMARY\n${e('PERSON', `${pt.last}, ${pt.first}`.toUpperCase())}   ${c.v.int(24, 88)} y/o   MRN ${e('MEDICAL_RECORD_NUMBER', c.v.mrn())}\nAdmitted ${e('DATE_TIME', c.date())}; discharged ${e('DATE_TIME', c.date())}.\nAttending: Dr. ${e('PERSON', doc.full)}, medical license ${e('MEDICAL_LICENSE', c.v.medicalLicense())}.\nFollow-up in 2 weeks; metformin 500 mg twice daily.`;
  },
  (c) => {
    const pt = c.person();
    const doc = c.person();
    const [code1] = c.v.icd10();
    const [code2] = c.v.icd10();
    const codes =
      code1 === code2
        ? e('ICD10_CODE', code1)
        : `${e('ICD10_CODE', code1)}, ${e('ICD10_CODE', code2)}`;
    return `Referral: pt ${e('PERSON', pt.full)} (MRN ${e('MEDICAL_RECORD_NUMBER', c.v.mrn())}), age ${e('AGE', String(c.v.int(18, 89)))}, referred by ${e('PERSON', doc.full)}, MD, NPI ${e('US_NPI', c.v.npi())}, to cardiology at ${e('ORGANIZATION', c.v.pick(HOSPITALS))}. Dx: ${codes}. Medicare ID: ${e('HEALTH_PLAN_ID', c.v.healthPlanId())}.`;
  },
  (c) => {
    const pt = c.person();
    return `Nursing note ${e('DATE_TIME', c.date())}: Mrs. ${e('PERSON', pt.last)} is a ${e('AGE', String(c.v.int(90, 101)))} yo resident, alert and oriented x2. Son visited; he can be reached at ${e('PHONE_NUMBER', c.phone())}. Pain 3/10. Will reassess at 14:00.`;
  },
  (c) => {
    const pt = c.person();
    const doc = c.person();
    return `Rx: atorvastatin 40 mg PO daily, #90, refills 3\nPatient: ${e('PERSON', pt.full)}, DOB ${e('DATE_TIME', c.dob())}\nAddress: ${e('STREET_ADDRESS', c.address())}\nPrescriber: ${e('PERSON', doc.full)}, DEA ${e('US_DEA', c.v.dea(doc.last))}, NPI ${e('US_NPI', c.v.npi())}`;
  },
  (c) => {
    const pt = c.person();
    const [code, desc] = c.v.icd10();
    return `Lab result for ${e('PERSON', pt.full)} (MRN: ${e('MEDICAL_RECORD_NUMBER', c.v.mrn())}) collected ${e('DATE_TIME', c.date())}: HbA1c 7.9%, LDL 131 mg/dL. Consistent with ${desc} [${e('ICD10_CODE', code)}]. Results sent to ${e('EMAIL_ADDRESS', c.email(pt))}.`;
  },
  (c) => {
    const pt = c.person();
    return `Insurance verification: ${e('PERSON', pt.full)}, subscriber ID ${e('HEALTH_PLAN_ID', c.v.healthPlanId())}, plan ${e('ORGANIZATION', c.v.pick(INSURERS))} PPO. Copay $${c.v.int(10, 60)}. Group #${c.v.int(10000, 99999)}.`;
  },
];

const email: Template[] = [
  (c) => {
    const a = c.person();
    return `${e('PERSON', a.full)}\n${e('STREET_ADDRESS', c.addressLines())}\n\n${e('DATE_TIME', c.date())}\n\nDear Mr. ${e('PERSON', c.person().last)},\n\nI am writing to dispute the charge of ${c.price()} on my statement. My customer number is ${c.v.int(100000, 999999)}.\n\nYours faithfully,\n${e('PERSON', a.full)}`;
  },
  (c) =>
    `Attendees: ${e('PERSON', c.person().full)}, ${e('PERSON', c.person().full)}, ${e('PERSON', c.person().full)} (${e('ORGANIZATION', c.org())}); notes by ${e('PERSON', c.firstName())}. Action items: send deck v${c.v.int(2, 9)}, book room 4.${c.v.int(1, 20)}, confirm budget of ${c.price()}.`,
  (c) => {
    const a = c.person();
    const b = c.person();
    const org = c.org();
    return `From: ${e('PERSON', a.full)} <${e('EMAIL_ADDRESS', c.email(a))}>\nTo: ${e('PERSON', b.full)} <${e('EMAIL_ADDRESS', c.email(b))}>\nSubject: Contract renewal\n\nHi ${e('PERSON', b.first)},\n\nattached is the signed contract for ${e('ORGANIZATION', org)}. Please wire the deposit of ${c.price()} to IBAN ${e('IBAN_CODE', c.v.iban())} by ${e('DATE_TIME', c.date())}.\n\nBest regards,\n${e('PERSON', a.full)}\n${e('ORGANIZATION', org)}\n${e('PHONE_NUMBER', c.phone())}`;
  },
  (c) => {
    const a = c.person();
    const b = c.person();
    return `Hello ${e('PERSON', a.first)},\n\nyour interview at ${e('ORGANIZATION', c.org())} is confirmed for ${e('DATE_TIME', c.date())} at our ${e('LOCATION', c.city())} office, ${e('STREET_ADDRESS', c.address())}. Please ask for ${c.mention(b)} at reception.\n\nKind regards,\nTalent team`;
  },
  (c) => {
    const a = c.person();
    return `---------- Forwarded message ---------\nFrom: ${e('EMAIL_ADDRESS', c.email(a))}\nDate: ${e('DATE_TIME', c.date())}\nSubject: Re: password reset\n\nI never asked for this reset. My account was opened with SSN ${e('US_SSN', c.v.ssn())}; please lock it. — ${e('PERSON', a.first)}`;
  },
  (c) => {
    const a = c.person();
    const b = c.person();
    return `Dear ${c.mention(a)},\n\nThank you for your payment of ${c.price()} (reference ${c.orderNo()}). A receipt was sent to ${e('EMAIL_ADDRESS', c.email(a))}. If you have questions, contact ${e('PERSON', b.full)} on ${e('PHONE_NUMBER', c.phone())}.\n\nSincerely,\n${e('ORGANIZATION', c.org())}`;
  },
  (c) => {
    const a = c.person();
    return `Hi team — ${e('PERSON', a.full)}'s last day is ${e('DATE_TIME', c.date())}. Please forward anything for the ${e('LOCATION', c.city())} account to ${e('EMAIL_ADDRESS', c.email(c.person()))}. Thanks! 🙏 cc ${e('USERNAME', c.handle())}`;
  },
];

const serverLog: Template[] = [
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} INFO  [http] GET /healthz 200 ${c.v.int(1, 9)}ms; GC pause ${c.v.int(2, 40)}ms heap=${c.v.int(128, 2048)}MB; queue depth ${c.v.int(0, 500)}`,
  (c) =>
    `sshd[${c.v.int(1000, 60000)}]: Accepted publickey for deploy from ${e('IP_ADDRESS', c.v.ipv4())} port ${c.v.int(30000, 65000)} ssh2: RSA SHA256:${c.f.string.alphanumeric(43)}`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} INFO  [wifi] client ${e('MAC_ADDRESS', c.v.mac())} associated with AP ${e('MAC_ADDRESS', c.v.mac())} (rssi -${c.v.int(30, 90)} dBm, channel ${c.v.int(1, 11)}), assigned ${e('IP_ADDRESS', c.v.ipv4())}`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} INFO  [auth] login ok user=${e('EMAIL_ADDRESS', c.email(c.person()))} ip=${e('IP_ADDRESS', c.v.ipv4())} req_id=${c.f.string.uuid()} latency=${c.v.int(3, 900)}ms`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} WARN  [api] rate limit exceeded for key ${e('API_KEY', c.v.apiKey())} from ${e('IP_ADDRESS', c.v.ipv6())} (limit=100/min, build 4.${c.v.int(0, 20)}.${c.v.int(0, 9)})`,
  (c) => {
    const months = [
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ];
    const clf = `${String(c.v.int(1, 28)).padStart(2, '0')}/${c.v.pick(months)}/${c.v.int(2023, 2025)}:${String(c.v.int(0, 23)).padStart(2, '0')}:${String(c.v.int(0, 59)).padStart(2, '0')}:${String(c.v.int(0, 59)).padStart(2, '0')} +0000`;
    return `${e('IP_ADDRESS', c.v.ipv4())} - - [${e('DATE_TIME', clf)}] "GET /api/v2/orders/${c.v.int(1000, 99999)} HTTP/1.1" 200 ${c.v.int(200, 90000)} "${e('URL', `https://${c.f.internet.domainName()}/checkout?step=${c.v.int(1, 4)}`)}" "Mozilla/5.0 (X11; Linux x86_64)"`;
  },
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} DEBUG [dhcp] lease ${e('IP_ADDRESS', c.v.ipv4())} -> ${e('MAC_ADDRESS', c.v.mac())} ttl=86400 iface=eth${c.v.int(0, 3)}`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} ERROR [payments] charge declined customer=${e('EMAIL_ADDRESS', c.email(c.person()))} card=****${c.v.digits(4)} amount=${c.v.int(5, 900)}.${c.v.digits(2)} currency=USD order=${c.orderNo()} attempt=${c.v.int(1, 3)}`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} DEBUG [http] outgoing request headers={"Authorization":"Bearer ${e('API_KEY', c.v.jwt())}","X-Request-Id":"${c.f.string.uuid()}"}`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} INFO  [deploy] v${c.v.int(1, 9)}.${c.v.int(0, 30)}.${c.v.int(0, 99)} (commit ${c.f.git.commitSha({ length: 7 })}) rolled out to ${c.v.int(2, 40)} pods in ${c.v.int(10, 300)}s; pid ${c.v.int(1000, 65000)}, port ${c.v.int(1024, 9999)}`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} WARN  [webhook] delivery to ${e('URL', c.f.internet.url() + '/hooks/' + c.v.int(1, 999))} failed (status 502), retry ${c.v.int(1, 5)}/5, client ip ${e('IP_ADDRESS', c.v.ipv4())}`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} INFO  [signup] new user name="${e('PERSON', c.person().full)}" phone=${e('PHONE_NUMBER', c.phone())} country=${c.v.pick(['US', 'GB', 'DE', 'FR'])} plan=free`,
];

const secrets: Template[] = [
  (c) =>
    `# .env (do not commit)\nDATABASE_HOST=db.internal\nAWS_ACCESS_KEY_ID=${e('API_KEY', 'AKIA' + c.v.upperAlnum(16))}\nAWS_SECRET_ACCESS_KEY=${e('API_KEY', c.v.awsSecret())}\nLOG_LEVEL=debug\nPORT=${c.v.int(3000, 9000)}`,
  (c) =>
    `curl -H "Authorization: Bearer ${e('API_KEY', c.v.apiKey())}" ${e('URL', 'https://api.' + c.f.internet.domainName() + '/v1/customers?limit=' + c.v.int(10, 100))}`,
  (c) =>
    `Can you help me debug this? My deploy key is below, it fails with 'permission denied':\n${e('API_KEY', c.v.pemKey())}\nThanks, ${e('PERSON', c.person().first)}`,
  (c) =>
    `const client = new Client({ apiKey: '${e('API_KEY', c.v.apiKey())}', timeout: ${c.v.int(1000, 30000)}, retries: 3 });`,
  (c) =>
    `Session cookie for ${e('EMAIL_ADDRESS', c.email(c.person()))} is ${e('API_KEY', c.v.jwt())} — it expires in 3600 s.`,
];

const crmNote: Template[] = [
  (c) =>
    `Yesterday ${e('PERSON', c.firstName())} told me that ${e('ORGANIZATION', c.org())} is opening an office in ${e('LOCATION', c.city())}. Her manager, ${e('PERSON', c.person().full)}, will own the budget from ${e('DATE_TIME', c.date())}.`,
  (c) => {
    const p = c.person();
    const slug = `${p.first}-${p.last}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z-]/g, '');
    return `${e('PERSON', p.full)} shared a profile ${e('URL', `https://www.linkedin.com/in/${slug}-${c.v.digits(4)}`)} and a booking link ${e('URL', `https://calendly.com/${slug}/30min`)}; wants pricing for ${c.v.int(5, 500)} seats.`;
  },
  (c) => {
    const p = c.person();
    return `Call with ${e('PERSON', p.full)} (${c.f.person.jobTitle()} at ${e('ORGANIZATION', c.org())}) on ${e('DATE_TIME', c.date())}. Interested in the enterprise tier, budget around ${c.v.int(20, 400)}k. Follow up via ${e('EMAIL_ADDRESS', c.email(p))} or mobile ${e('PHONE_NUMBER', c.phone())}. Based in ${e('LOCATION', c.city())}, ${e('LOCATION', c.country())}.`;
  },
  (c) => {
    const p = c.person();
    return `Lead: ${e('PERSON', p.full)} | Company: ${e('ORGANIZATION', c.org())} | Phone: ${e('PHONE_NUMBER', c.phone())} | Source: webinar | Notes: met ${e('PERSON', c.person().full)} at the ${e('LOCATION', c.city())} expo; wants a demo before Q${c.v.int(1, 4)}. Twitter: ${e('USERNAME', c.handle())}`;
  },
  (c) => {
    const p = c.person();
    return `${e('PERSON', p.first)} mentioned they are moving HQ from ${e('LOCATION', c.city())} to ${e('LOCATION', c.city())} next quarter; new office at ${e('STREET_ADDRESS', c.address())}. Renewal worth ${c.price()} due ${e('DATE_TIME', c.date())}.`;
  },
  (c) => {
    const p = c.person();
    const q = c.person();
    return `Account owner ${e('PERSON', q.full)} transferred ${e('ORGANIZATION', c.org())} to ${e('PERSON', p.full)}. Decision maker is ${c.mention(c.person())}; procurement contact ${e('EMAIL_ADDRESS', c.email(c.person()))}. 3 seats, SKU PRO-${c.v.int(100, 999)}-${c.v.pick(['M', 'Y'])}.`;
  },
  (c) =>
    `Spoke to ${e('PERSON', c.person().full)} from ${e('ORGANIZATION', c.org())}: churn risk, NPS ${c.v.int(0, 10)}. They compared us with ${e('ORGANIZATION', c.v.pick(WELL_KNOWN_ORGS))}. Next step: exec call ${e('DATE_TIME', c.date())}.`,
];

const form: Template[] = [
  (c) =>
    `Applicant: ${e('PERSON', c.person().full)}; date of birth ${e('DATE_TIME', c.v.dob('en_US'))}; mother's maiden name: ${e('PERSON', c.lastName())}; security answer: blue.`,
  (c) =>
    `Form 1040 prepared for ${e('PERSON', c.person().full)}, ITIN ${e('US_ITIN', c.v.itin())}, ZIP ${e('ZIP_CODE', c.f.location.zipCode('#####'))}; refund ${c.price()} by direct deposit.`,
  (c) => {
    const p = c.person();
    const dl = c.v.driverLicense();
    return `Full name: ${e('PERSON', p.full)}\nDate of birth: ${e('DATE_TIME', c.v.dob('en_US'))}\nSSN: ${e('US_SSN', c.v.ssn())}\nDriver's license: ${e('US_DRIVER_LICENSE', dl.value)}\nIssuing state: ${e('LOCATION', STATE_NAMES[dl.state])}\nHome address: ${e('STREET_ADDRESS', c.address())}\nPhone: ${e('PHONE_NUMBER', c.phone())}\nEmail: ${e('EMAIL_ADDRESS', c.email(p))}`;
  },
  (c) => {
    const p = c.person();
    return `PASSPORT RENEWAL\nSurname: ${e('PERSON', p.last)}\nGiven names: ${e('PERSON', p.first)}\nPassport no.: ${e('US_PASSPORT', c.v.passport())}\nPlace of birth: ${e('LOCATION', c.city())}, ${e('LOCATION', c.country())}\nDate of issue: ${e('DATE_TIME', c.date())}`;
  },
  (c) => {
    const p = c.person();
    return `W-7 follow-up: taxpayer ${e('PERSON', p.full)}, ITIN ${e('US_ITIN', c.v.itin())}, mailing address ${e('STREET_ADDRESS', c.address())}. Employer: ${e('ORGANIZATION', c.org())}.`;
  },
  (c) => {
    const p = c.person();
    const dl = c.v.driverLicense();
    return `Rental agreement — renter ${e('PERSON', p.full)}, ${e('LOCATION', STATE_NAMES[dl.state])} DL# ${e('US_DRIVER_LICENSE', dl.value)}, exp. ${e('DATE_TIME', c.date())}. Vehicle VIN ${e('VIN', c.v.vin())}. Deposit card ${e('CREDIT_CARD', c.v.card())}.`;
  },
  (c) => {
    const p = c.person();
    return `Emergency contact form\nName: ${e('PERSON', p.full)}\nRelationship: ${c.v.pick(['spouse', 'sister', 'brother', 'friend', 'parent'])}\nPhone: ${e('PHONE_NUMBER', c.phone())}\nEmail: ${e('EMAIL_ADDRESS', c.email(p))}\nCity: ${e('LOCATION', c.city())}`;
  },
  (c) =>
    `Please verify identity: passport number ${e('US_PASSPORT', c.v.passport())}, SSN ${e('US_SSN', c.v.ssn())}, DOB ${e('DATE_TIME', c.v.dob('en_US'))}. Application ${c.orderNo()} is on hold.`,
];

const billing: Template[] = [
  (c) =>
    `Chargeback opened ${e('DATE_TIME', c.date())}: cardholder ${e('PERSON', c.person().full)}, card ${e('CREDIT_CARD', c.v.card())}, merchant ${e('ORGANIZATION', c.org())}, amount ${c.price()}, reason code 13.1.`,
  (c) => {
    const p = c.person();
    return `INVOICE INV-${c.v.int(2024, 2025)}-${c.v.digits(4)}\nFrom: ${e('ORGANIZATION', c.org())}\nBill to: ${e('PERSON', p.full)}, ${e('STREET_ADDRESS', c.address())}\nAmount due: ${c.price()} by ${e('DATE_TIME', c.date())}\nPay by ACH: routing ${e('ABA_ROUTING_NUMBER', c.v.routing())}, account ${e('US_BANK_NUMBER', c.v.bankAccount())}\nOr card on file ${e('CREDIT_CARD', c.v.card())}.`;
  },
  (c) =>
    `SEPA direct debit mandate: ${e('PERSON', c.person().full)}, IBAN ${e('IBAN_CODE', c.v.iban())}, signed ${e('DATE_TIME', c.date())} in ${e('LOCATION', c.city())}. Creditor ID ${c.v.upperAlnum(4)}ZZZ${c.v.digits(8)}.`,
  (c) =>
    `Refund of ${c.price()} to card ending ${c.v.digits(4)} (order ${c.orderNo()}) approved by ${e('PERSON', c.person().full)}. Expected in 5-7 business days.`,
  (c) =>
    `Wire instructions — beneficiary: ${e('ORGANIZATION', c.org())}; ABA/routing: ${e('ABA_ROUTING_NUMBER', c.v.routing())}; account #: ${e('US_BANK_NUMBER', c.v.bankAccount())}; reference: INV ${c.v.int(10000, 99999)}; amount ${c.price()}.`,
  (c) => {
    const p = c.person();
    return `Payment method updated for ${e('EMAIL_ADDRESS', c.email(p))}: ${c.v.pick(['Visa', 'Mastercard', 'Amex'])} ${e('CREDIT_CARD', c.v.card())}, billing ZIP ${e('ZIP_CODE', c.f.location.zipCode('#####'))}. Previous card ****${c.v.digits(4)} removed.`;
  },
  (c) =>
    `Hi, please update payroll: new bank is ${e('ORGANIZATION', c.v.pick(['Copperleaf Bank', 'Stonebridge Credit Union', 'Tidemark Capital', 'Kestrel Mutual']))}, routing number ${e('ABA_ROUTING_NUMBER', c.v.routing())}, checking account ${e('US_BANK_NUMBER', c.v.bankAccount())}. — ${e('PERSON', c.person().full)}`,
];

const cryptoWallet: Template[] = [
  (c) =>
    `Send the 0.${c.v.int(1, 99)} BTC to ${e('CRYPTO', c.v.btc())} and ping me when it's done.`,
  (c) =>
    `My ETH wallet: ${e('CRYPTO', c.v.eth())} (please don't send tokens on other chains). Tx fee ~${c.v.int(1, 30)} gwei.`,
  (c) =>
    `${e('DATE_TIME', c.v.isoTimestamp())} withdrawal requested user=${e('EMAIL_ADDRESS', c.email(c.person()))} dest=${e('CRYPTO', c.v.btc())} amount=0.0${c.v.digits(3)} ip=${e('IP_ADDRESS', c.v.ipv4())}`,
  (c) =>
    `KYC: ${e('PERSON', c.person().full)} linked wallets ${e('CRYPTO', c.v.eth())} and ${e('CRYPTO', c.v.btc())}; risk score ${c.v.int(1, 99)}/100.`,
];

const vehicle: Template[] = [
  (c) => {
    const p = c.person();
    return `Claim CLM-${c.v.digits(6)}: ${e('PERSON', p.full)}'s ${c.v.int(2008, 2024)} ${c.f.vehicle.manufacturer()}, VIN ${e('VIN', c.v.vin())}, damaged on ${e('DATE_TIME', c.date())} near ${e('LOCATION', c.city())}.`;
  },
  (c) =>
    `Recall notice for VIN ${e('VIN', c.v.vin())}: please contact ${e('ORGANIZATION', c.org())} at ${e('PHONE_NUMBER', c.phone())} to book a free repair.`,
  (c) =>
    `Service record: odometer ${c.v.int(10000, 180000)} mi, oil change, tire rotation. VIN ${e('VIN', c.v.vin())}. Owner ${e('PERSON', c.person().full)}, ${e('PHONE_NUMBER', c.phone())}.`,
];

/** Non-English texts: real prompts are not all English. */
const multilingual: Template[] = [
  (c) =>
    `Gentile ${e('PERSON', c.person().full)}, la fattura n. ${c.v.int(100, 9999)}/${c.v.int(2023, 2025)} è stata inviata a ${e('EMAIL_ADDRESS', c.email(c.person()))}. Per assistenza chiami il ${e('PHONE_NUMBER', c.phone())}.`,
  (c) =>
    `Beste ${e('PERSON', c.firstName())}, je pakket wordt op ${e('DATE_TIME', c.date())} bezorgd op ${e('STREET_ADDRESS', c.address())}. Vragen? Bel ${e('PHONE_NUMBER', c.phone())}.`,
  (c) => {
    const p = c.person();
    return `Sehr geehrte Frau ${e('PERSON', p.last)},\nIhre Bestellung ${c.orderNo()} wurde an ${e('STREET_ADDRESS', c.address())} versandt. Bei Fragen erreichen Sie uns unter ${e('PHONE_NUMBER', c.phone())}.\nMit freundlichen Grüßen\n${e('PERSON', c.person().full)}`;
  },
  (c) =>
    `Bonjour ${e('PERSON', c.person().first)}, votre rendez-vous est confirmé le ${e('DATE_TIME', c.date())} à ${e('LOCATION', c.city())}. Contact : ${e('EMAIL_ADDRESS', c.email(c.person()))}. Prix : ${c.v.int(20, 200)},00 €.`,
  (c) => {
    const p = c.person();
    return `Hola ${e('PERSON', p.full)}, hemos recibido tu pago. Te llamaremos al ${e('PHONE_NUMBER', c.phone())} para confirmar la entrega en ${e('LOCATION', c.city())}. IBAN de reembolso: ${e('IBAN_CODE', c.v.iban())}.`;
  },
  (c) =>
    `Überweisung an ${e('PERSON', c.person().full)}, IBAN ${e('IBAN_CODE', c.v.iban('DE'))}, Betrag ${c.v.int(10, 999)},${c.v.digits(2)} EUR, Verwendungszweck Rechnung ${c.v.int(1000, 9999)}.`,
  (c) =>
    `🎉 Congrats ${e('PERSON', c.person().full)}! 🎂 Your ${e('ORGANIZATION', c.org())} gift card ships to ${e('STREET_ADDRESS', c.address())} — tracking sent to ${e('EMAIL_ADDRESS', c.email(c.person()))} ✨`,
];

/** Prompts as applications send them to a model: the product's main traffic. */
const llmPrompt: Template[] = [
  (c) => {
    const p = c.person();
    return `Summarize the following complaint and suggest a reply:\n"${e('PERSON', p.full)} (${e('EMAIL_ADDRESS', c.email(p))}) says the package sent to ${e('STREET_ADDRESS', c.address())} arrived damaged on ${e('DATE_TIME', c.date())}. She wants a refund to card ${e('CREDIT_CARD', c.v.card())}."`;
  },
  (c) =>
    `Write a polite follow-up email to ${c.mention(c.person())} at ${e('ORGANIZATION', c.org())} about overdue invoice ${c.v.int(1000, 9999)} (${c.price()}). Mention that our ${e('LOCATION', c.city())} office can be reached at ${e('PHONE_NUMBER', c.phone())}.`,
  (c) =>
    `Translate to German: "Dear ${e('PERSON', c.person().full)}, your appointment with Dr. ${e('PERSON', c.lastName())} is on ${e('DATE_TIME', c.date())}. Please bring your insurance card (member ID ${e('HEALTH_PLAN_ID', c.v.healthPlanId())})."`,
  (c) =>
    `Extract name, date of birth and SSN as JSON from: "${e('PERSON', c.person().full)}, born ${e('DATE_TIME', c.v.dob('en_US'))}, SSN ${e('US_SSN', c.v.ssn())}, lives in ${e('LOCATION', c.city())}."`,
  (c) =>
    `Why does this fail? Error: connect ECONNREFUSED ${e('IP_ADDRESS', c.v.ipv4())}:5432\n    at TCPConnectWrap.afterConnect (node:net:1555:16)\nconfig: { user: '${e('EMAIL_ADDRESS', c.email(c.person()))}', apiKey: '${e('API_KEY', c.v.apiKey())}' }`,
  (c) =>
    `Rewrite this for the patient in plain language: "${e('AGE', String(c.v.int(90, 99)))} yo F w/ ${e('ICD10_CODE', c.v.icd10()[0])}, MRN ${e('MEDICAL_RECORD_NUMBER', c.v.mrn())}, d/c'd ${e('DATE_TIME', c.date())} to daughter ${e('PERSON', c.person().full)}."`,
  (c) =>
    `You are a helpful assistant. The user ${e('PERSON', c.person().full)} from ${e('ORGANIZATION', c.org())} asks: how do I move my ${c.v.int(2, 40)} licences to the ${e('LOCATION', c.city())} team before ${e('DATE_TIME', c.date())}?`,
  (c) =>
    `Classify the sentiment of this review (1-5): "Ordered a ${c.v.pick(['blender', 'lamp', 'jacket', 'phone case'])} for ${c.price()}, arrived late. ${e('PERSON', c.firstName())} from support was great though! Order ${c.orderNo()}."`,
];

const GENRES: Record<
  string,
  { templates: Template[]; count: number; locales?: readonly Locale[] }
> = {
  support_chat: { templates: supportChat, count: 72 },
  clinical_note: { templates: clinicalNote, count: 90, locales: ['en_US'] },
  email: { templates: email, count: 56 },
  server_log: { templates: serverLog, count: 70 },
  secrets: { templates: secrets, count: 25 },
  crm_note: { templates: crmNote, count: 54 },
  form: { templates: form, count: 49, locales: ['en_US'] },
  billing: { templates: billing, count: 50, locales: ['en_US', 'en_US', 'en_GB', 'de', 'fr'] },
  crypto: { templates: cryptoWallet, count: 20 },
  vehicle: { templates: vehicle, count: 20, locales: ['en_US'] },
  llm_prompt: { templates: llmPrompt, count: 48 },
  multilingual: {
    templates: multilingual,
    count: 36,
    locales: ['de', 'fr', 'es', 'it', 'nl', 'en_GB'],
  },
};

function makeRecord(id: string, genre: string, locale: string, marked: string): EvalRecord {
  const { text, entities } = parseMarkup(marked);
  const known = new Set<string>(BUILTIN_ENTITY_TYPES);
  for (const span of entities) {
    if (!known.has(span.type)) throw new Error(`${id}: unknown type ${span.type}`);
  }
  return { id, genre, locale, text, entities };
}

/** Lines of `genre | text with {{TYPE|value}} markup`; `\n` escapes a newline; `#` starts a comment. */
function loadHardCases(): EvalRecord[] {
  const file = join(repoRoot(), 'test', 'fixtures', 'eval', 'hard-cases.txt');
  const records: EvalRecord[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    const bar = line.indexOf(' | ');
    if (bar < 0) throw new Error(`hard case without genre: ${line}`);
    const genre = line.slice(0, bar).trim();
    const marked = line.slice(bar + 3).replace(/\\n/g, '\n');
    records.push(
      makeRecord(`hard-${String(records.length + 1).padStart(3, '0')}`, genre, 'hand', marked),
    );
  }
  return records;
}

/** The committed set uses the default seed; another seed gives fresh values from the same templates. */
export function generate(seed = SEED): EvalRecord[] {
  const rng = allFakers.base;
  rng.seed(seed);
  const values = new ValueFactory(rng);
  const contexts = new Map<Locale, Ctx>();
  for (const [i, locale] of (['en_US', 'en_GB', 'de', 'fr', 'es', 'it', 'nl'] as const).entries()) {
    const f = allFakers[locale];
    f.seed(seed + i + 1);
    contexts.set(locale, new Ctx(f, values, locale));
  }
  const records: EvalRecord[] = [];
  for (const [genre, spec] of Object.entries(GENRES)) {
    for (let i = 0; i < spec.count; i++) {
      const locale = values.pick(spec.locales ?? LOCALES);
      const template = spec.templates[i % spec.templates.length];
      const id = `${genre}-${String(i + 1).padStart(3, '0')}`;
      records.push(makeRecord(id, genre, locale, template(contexts.get(locale)!)));
    }
  }
  return [...records, ...loadHardCases()];
}

function main(): void {
  const records = generate();
  writeFileSync(datasetPath(), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const spans = records.reduce((n, r) => n + r.entities.length, 0);
  console.log(`wrote ${records.length} texts, ${spans} gold spans to ${datasetPath()}`);
}

if (require.main === module) main();
