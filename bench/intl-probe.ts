/**
 * A recall probe for values written the way other countries write them: faker's locale data
 * (phone numbers, street lines, postcodes, towns, IBANs, company names, dates) put into one
 * short sentence each, and whether the engine reports the value with its type. It finds gaps by
 * locale; it is not an evaluation (the sentences are ours and faker's values are sometimes not
 * real formats, e.g. en_GB postcodes like `TW00 24Z`, Canadian ones with an `O`, IBANs of
 * country codes no bank uses), so README quotes the public corpora for quality and this only for
 * what changed.
 *
 * Run: node dist/bench/intl-probe.js [--n 30] [--locales en_GB,de,...] [--misses TYPE]
 */
import { allFakers, type Faker } from '@faker-js/faker';
import { DetectionEngine } from '../src/detection';

const DEFAULT_LOCALES =
  'en_GB,en_AU,en_CA,en_IN,en_IE,de,de_AT,de_CH,fr,fr_CA,es,es_MX,it,nl,pt_BR,pt_PT,sv,pl,en_US';

interface Probe {
  type: string;
  value: string;
  text: string;
}

function probes(faker: Faker, locale: string, i: number): Probe[] {
  const person = faker.person.fullName();
  const phone = faker.phone.number();
  const street = faker.location.streetAddress(false);
  const zip = faker.location.zipCode();
  const city = faker.location.city();
  const email = faker.internet.email();
  const iban = faker.finance.iban({ formatted: i % 2 === 0 });
  const card = faker.finance.creditCardNumber();
  const company = faker.company.name();
  const date = faker.date.birthdate().toLocaleDateString(locale.replace('_', '-'));
  const address = `Ship it to ${street}, ${zip} ${city}.`;
  return [
    { type: 'PERSON', value: person, text: `Customer ${person} called about the invoice.` },
    { type: 'PHONE_NUMBER', value: phone, text: `Please call me back on ${phone} after 5pm.` },
    { type: 'STREET_ADDRESS', value: street, text: address },
    { type: 'ZIP_CODE', value: zip, text: address },
    { type: 'LOCATION', value: city, text: `She moved to ${city} last year.` },
    { type: 'EMAIL_ADDRESS', value: email, text: `Reply to ${email} please.` },
    { type: 'IBAN_CODE', value: iban, text: `Refund to IBAN ${iban} today.` },
    { type: 'CREDIT_CARD', value: card, text: `Card number ${card} was declined.` },
    { type: 'ORGANIZATION', value: company, text: `He works at ${company} as an analyst.` },
    { type: 'DATE_TIME', value: date, text: `Date of birth: ${date}` },
  ];
}

/** Types that may report the value as part of a larger span of theirs. */
const COVERING: Readonly<Record<string, readonly string[]>> = {
  ZIP_CODE: ['STREET_ADDRESS'],
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const n = Number(arg('n') ?? 30);
  const locales = (arg('locales') ?? DEFAULT_LOCALES).split(',');
  const showMisses = arg('misses');
  const engine = new DetectionEngine();
  const hits = new Map<string, Map<string, [found: number, total: number]>>();
  const misses: string[] = [];
  for (const locale of locales) {
    const faker = (allFakers as Record<string, Faker | undefined>)[locale];
    if (!faker) throw new Error(`faker has no locale ${locale}`);
    faker.seed(42);
    for (let i = 0; i < n; i++) {
      for (const { type, value, text } of probes(faker, locale, i)) {
        const start = text.indexOf(value);
        const end = start + value.length;
        const overlapping = engine.detect(text).filter((e) => e.start < end && start < e.end);
        const ok = overlapping.some(
          (e) => e.type === type || (COVERING[type] ?? []).includes(e.type),
        );
        const byLocale = hits.get(type) ?? new Map<string, [number, number]>();
        hits.set(type, byLocale);
        const cell = byLocale.get(locale) ?? [0, 0];
        byLocale.set(locale, [cell[0] + (ok ? 1 : 0), cell[1] + 1]);
        if (!ok && showMisses === type)
          misses.push(
            `${locale}\t${value}\t→ ${overlapping.map((e) => `${e.type}:${e.text}`).join(' | ') || '-'}`,
          );
      }
    }
  }
  console.log(`recall by type, ${n} values per locale (${locales.length} locales)`);
  for (const [type, byLocale] of hits) {
    let found = 0;
    let total = 0;
    const short: string[] = [];
    for (const [locale, [f, t]] of byLocale) {
      found += f;
      total += t;
      if (f < t) short.push(`${locale} ${f}/${t}`);
    }
    console.log(`${type.padEnd(16)} ${(found / total).toFixed(2)}  ${short.join(', ')}`);
  }
  if (misses.length) console.log(`\nmissed ${showMisses}:\n${misses.join('\n')}`);
}

main();
