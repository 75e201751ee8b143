import { InProcessDetector } from './batch-detector';
import { classifyColumn } from './column-classifier';
import { contextLabel, hintedTypes } from './column-hints';
import {
  addValues,
  ColumnAnalyzer,
  type ColumnCounts,
  emptyCounts,
  leavesOf,
  treatmentFor,
} from './column-profile';
import { findingsCsv } from './report-csv';

const detector = new InProcessDetector();

async function profile(column: string, values: unknown[], typname = 'text'): Promise<ColumnCounts> {
  const counts = emptyCounts();
  const analyzer = new ColumnAnalyzer(detector, contextLabel(column));
  await addValues(counts, treatmentFor(typname, 'S'), values, analyzer);
  return counts;
}

describe('column name hints', () => {
  it.each([
    ['email', 'users', 'EMAIL_ADDRESS'],
    ['contactEmail', 'users', 'EMAIL_ADDRESS'],
    ['SSN', 'employees', 'US_SSN'],
    ['date_of_birth', 'patients', 'DATE_TIME'],
    ['card_number', 'payments', 'CREDIT_CARD'],
    ['first_name', 'anything', 'PERSON'],
    ['name', 'customers', 'PERSON'],
    ['zip', 'addresses', 'ZIP_CODE'],
    ['mrn', 'patients', 'MEDICAL_RECORD_NUMBER'],
  ])('%s in %s hints %s', (column, table, type) => {
    expect(hintedTypes(column, table).has(type)).toBe(true);
  });

  it.each([
    ['name', 'products'],
    ['product_name', 'customers'],
    ['company_name', 'customers'],
    ['created_at', 'customers'],
    ['status', 'orders'],
  ])('%s in %s does not hint a person or a personal date', (column, table) => {
    const hints = hintedTypes(column, table);
    expect(hints.has('PERSON')).toBe(false);
    expect(hints.has('DATE_TIME')).toBe(false);
  });
});

describe('column values', () => {
  it('walks json documents and arrays, labelling leaves with their keys', async () => {
    expect(
      leavesOf(
        { contact: { email: 'a@b.co', phones: [1, '555 0100'], zip: 94107 }, ok: true },
        'meta',
      ),
    ).toEqual([
      { label: 'email', text: 'a@b.co' },
      { label: 'phones', text: '555 0100' },
      { label: 'zip', text: '94107' },
    ]);
  });

  it('reads SQL types the way their values need', async () => {
    expect(treatmentFor('varchar', 'S')).toBe('text');
    expect(treatmentFor('_text', 'A')).toBe('text');
    expect(treatmentFor('jsonb', 'U')).toBe('text');
    expect(treatmentFor('timestamptz', 'D')).toBe('personal_date');
    expect(treatmentFor('inet', 'I')).toBe('ip');
    expect(treatmentFor('bytea', 'U')).toBe('skipped');
    expect(treatmentFor('bool', 'B')).toBe('skipped');
  });

  it('counts values that match, with the column name as the context a bare value lacks', async () => {
    const counts = await profile('ssn', ['123-45-6789', '234-56-7890', null, 'unknown']);
    expect(counts.nonNull).toBe(3);
    expect(counts.types.US_SSN).toEqual({ values: 2, occurrences: 2 });
  });

  it('finds the same entities when values are batched as when each is detected alone', async () => {
    const values = [
      'maria.garcia@example.com',
      '(415) 555-0134',
      '4111 1111 1111 1111',
      'Deluxe Coffee Mug',
      '12 Main Street',
      'shipped',
      'Dr. Alice Wong',
      'DE89370400440532013000',
    ];
    const batched = await profile('contact', values);
    const alone = emptyCounts();
    for (const v of values) {
      // A fresh analyzer per value: one leaf per engine call.
      await addValues(alone, 'text', [v], new ColumnAnalyzer(detector, 'contact'));
    }
    expect(batched.types).toEqual(alone.types);
    // ORGANIZATION: the name model reads the product "Deluxe Coffee Mug" as an organisation
    // (a false positive, the same batched and alone).
    expect(Object.keys(batched.types).sort()).toEqual(
      [
        'CREDIT_CARD',
        'EMAIL_ADDRESS',
        'IBAN_CODE',
        'ORGANIZATION',
        'PERSON',
        'PHONE_NUMBER',
        'STREET_ADDRESS',
      ].sort(),
    );
  });
});

describe('column classification', () => {
  it('classifies a column by its values', async () => {
    const counts = await profile(
      'contact',
      Array.from({ length: 20 }, (_, i) => `user${i}@example.com`),
    );
    const result = classifyColumn({ table: 't', column: 'contact', treatment: 'text' }, counts);
    expect(result.classification).toBe('EMAIL_ADDRESS');
    expect(result.entities[0]).toMatchObject({ type: 'EMAIL_ADDRESS', ratio: 1, count: 20 });
  });

  it('needs a majority of matches without a name hint, far fewer with one', async () => {
    const values = [
      ...Array.from({ length: 3 }, (_, i) => `user${i}@example.com`),
      ...Array(7).fill('n/a'),
    ];
    const plain = classifyColumn(
      { table: 't', column: 'misc', treatment: 'text' },
      await profile('misc', values),
    );
    const hinted = classifyColumn(
      { table: 't', column: 'email', treatment: 'text' },
      await profile('email', values),
    );
    expect(plain.classification).toBeNull();
    expect(hinted.classification).toBe('EMAIL_ADDRESS');
  });

  it('prefers the type the column name names once it has enough evidence', () => {
    const counts: ColumnCounts = {
      ...emptyCounts(),
      nonNull: 100,
      leaves: 100,
      types: {
        PERSON: { values: 70, occurrences: 70 },
        ORGANIZATION: { values: 25, occurrences: 25 },
      },
    };
    const company = classifyColumn(
      { table: 'customers', column: 'company_name', treatment: 'text' },
      counts,
    );
    const plain = classifyColumn(
      { table: 'customers', column: 'contact', treatment: 'text' },
      counts,
    );
    expect(company.classification).toBe('ORGANIZATION');
    expect(plain.classification).toBe('PERSON');
  });

  it('calls timestamps PII only when the name says whose date it is', async () => {
    const counts: ColumnCounts = { ...emptyCounts(), nonNull: 10 };
    const dob = classifyColumn(
      { table: 'patients', column: 'dob', treatment: 'personal_date' },
      counts,
    );
    const created = classifyColumn(
      { table: 'orders', column: 'created_at', treatment: 'personal_date' },
      counts,
    );
    expect(dob.classification).toBe('DATE_TIME');
    expect(created.classification).toBeNull();
  });

  it('does not flag product names, SKUs, prices or status codes', async () => {
    const columns: [string, unknown[]][] = [
      [
        'name',
        ['Deluxe Coffee Mug', 'Ergonomic Steel Chair', 'Rustic Wooden Table', 'Sleek Cotton Shirt'],
      ],
      ['sku', ['SKU-8F3K2L9Q', 'SKU-00A1B2C3', 'SKU-ZX9Y8W7V', 'SKU-12345678']],
      ['price', ['19.99', '249.00', '5.49', '1299.95']],
      ['status', ['shipped', 'delivered', 'processing', 'cancelled']],
      [
        'order_number',
        ['ORD-2026-100001', 'ORD-2026-100002', 'ORD-2026-100003', 'ORD-2026-100004'],
      ],
    ];
    for (const [column, values] of columns) {
      const result = classifyColumn(
        { table: 'products', column, treatment: 'text' },
        await profile(column, values),
      );
      expect([column, result.classification]).toEqual([column, null]);
    }
  });
});

describe('CSV report', () => {
  it('quotes fields and neutralises spreadsheet formulas', async () => {
    const csv = findingsCsv([
      {
        schema: 'public',
        table: 't',
        column: '=cmd|x',
        dataType: 'character varying(20)',
        classification: null,
        confidence: 0,
        freeText: false,
        valuesScanned: 0,
        entities: [],
        note: 'a "quoted", note',
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(
      `public,t,'=cmd|x,character varying(20),,0,false,0,,"a ""quoted"", note"`,
    );
  });
});

describe('discovery shares the detection gains (issue 16, item 5)', () => {
  const classify = async (table: string, column: string, values: string[]) =>
    classifyColumn({ table, column, treatment: 'text' }, await profile(column, values));

  it('calls an `address` column of street-name-and-number values STREET_ADDRESS', async () => {
    const values = [
      'Hauptstraße 5',
      'Calle Mayor 12, 3º B',
      'Lindenallee 23a',
      'Via Roma 12',
      'Keizersgracht 112',
      'Avda. de la Constitución 8',
      '12 rue de la Paix',
      'Carrer de Mallorca 401',
      'Schillerstraße 14',
      'Calle Alcalá 45',
    ];
    const result = await classify('customers', 'address', values);
    expect(result.classification).toBe('STREET_ADDRESS');
  });

  it('does not call a column of product or company names PERSON because some hold a name', async () => {
    const products = [
      "Aunt Mary's Jam",
      'Baker & Sons Sourdough',
      'Crunchy Oat Clusters',
      "Grandpa Joe's Hot Sauce",
      'Mountain Wildflower Honey',
      'Sea Salt Caramels',
      "Betty's Apple Pie",
      'Walter Scott Shortbread',
      'Olive Oil Crackers',
      'Jamie Oliver Pasta Sauce',
    ];
    for (const column of ['product', 'title', 'item_name', 'brand']) {
      const result = await classify('catalog', column, products);
      expect([column, result.classification]).not.toEqual([column, 'PERSON']);
    }
    const companies = [
      'Baker & Sons',
      'Hendricks Energy',
      'Morgan Freight Ltd',
      'Walsh Plumbing',
      'Ortega Roofing',
      'Lindqvist Dental',
      'Price Logistics',
      'Fischer Bakery',
      'Nakamura Motors',
      'Oyelaran Consulting',
    ];
    const vendors = await classify('payables', 'vendor', companies);
    expect(vendors.classification).not.toBe('PERSON');
  });

  it('uses the column name when the share of matches is borderline', () => {
    const counts: ColumnCounts = {
      ...emptyCounts(),
      nonNull: 100,
      types: { PERSON: { values: 50, occurrences: 50 } },
    };
    // Half the values read as names: an `owner` column is people, a `note_title` column is not.
    const owner = classifyColumn({ table: 'tickets', column: 'owner', treatment: 'text' }, counts);
    const misc = classifyColumn(
      { table: 'tickets', column: 'note_title', treatment: 'text' },
      counts,
    );
    expect(owner.classification).toBe('PERSON');
    expect(misc.classification).toBeNull();
    const high: ColumnCounts = { ...counts, types: { PERSON: { values: 65, occurrences: 65 } } };
    const product = classifyColumn(
      { table: 'catalog', column: 'product', treatment: 'text' },
      high,
    );
    const plain = classifyColumn({ table: 'catalog', column: 'label', treatment: 'text' }, high);
    expect(product.classification).toBeNull();
    expect(plain.classification).toBe('PERSON');
  });
});
