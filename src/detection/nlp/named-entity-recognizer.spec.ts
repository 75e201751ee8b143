import { DetectionEngine } from '../engine';

const engine = new DetectionEngine();

function named(text: string): [string, string][] {
  return engine
    .detect(text, { entities: ['PERSON', 'LOCATION', 'ORGANIZATION'] })
    .map((e) => [e.type, e.text]);
}

describe('NamedEntityRecognizer', () => {
  it.each<[string, [string, string][]]>([
    [
      'Patient Maria Garcia was seen by Dr. Patel.',
      [
        ['PERSON', 'Maria Garcia'],
        ['PERSON', 'Patel'],
      ],
    ],
    [
      'Oluwaseun Adeyemi called from Lagos.',
      [
        ['PERSON', 'Oluwaseun Adeyemi'],
        ['LOCATION', 'Lagos'],
      ],
    ],
    ["Sarah's results are back.", [['PERSON', 'Sarah']]],
    ['MY NAME IS JOHN SMITH', [['PERSON', 'JOHN SMITH']]],
    ['i spoke with john smith yesterday', [['PERSON', 'john smith']]],
    ['Signed by Ann Q. Lee, MD', [['PERSON', 'Ann Q. Lee']]],
  ])('finds people in %p', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it.each<[string, [string, string][]]>([
    ['Will you send it today?', []],
    ['We planted a rose and paid the bill in May.', []],
    ['Rose Tyler paid the bill.', [['PERSON', 'Rose Tyler']]],
  ])('resolves names that are also common words by context: %p', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it.each<[string, [string, string][]]>([
    [
      'She moved from Portland, Oregon to Berlin, Germany.',
      [
        ['LOCATION', 'Portland'],
        ['LOCATION', 'Oregon'],
        ['LOCATION', 'Berlin'],
        ['LOCATION', 'Germany'],
      ],
    ],
    [
      'hi this is ann from paris',
      [
        ['PERSON', 'ann'],
        ['LOCATION', 'paris'],
      ],
    ],
    ['See you at our Leiden office.', [['LOCATION', 'Leiden']]],
  ])('finds places in %p', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it.each<[string, [string, string][]]>([
    [
      'She works at Acme Holdings LLC in Denver.',
      [
        ['ORGANIZATION', 'Acme Holdings LLC'],
        ['LOCATION', 'Denver'],
      ],
    ],
    ['Insurance: Aetna, member ID W415434734.', [['ORGANIZATION', 'Aetna']]],
    ["Admitted to St. Mary's Hospital.", [['ORGANIZATION', "St. Mary's Hospital"]]],
    ['Company: Quitzon Analytics | Phone: none', [['ORGANIZATION', 'Quitzon Analytics']]],
    ['Claim for a 2015 Honda and a Mastercard 5555 payment', []],
  ])('finds organizations in %p', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it.each<[string, [string, string][]]>([
    ['DISCHARGE SUMMARY\nBOTSFORD, ELVERA   57 y/o', [['PERSON', 'BOTSFORD, ELVERA']]],
    [
      'hi this is magali lemaire from paris',
      [
        ['PERSON', 'magali lemaire'],
        ['LOCATION', 'paris'],
      ],
    ],
    ["Parkinson's disease and a 2021 Bentley", []],
  ])('reads chat speakers, surname-first forms and introductions: %p', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it.each([
    'MRN: 00482913; Medicare MBI 1EG4-TE5-MK73',
    'Seen today. Dx: C50.911, I48.91.',
    'Telefon: 030 901820, Geburtsdatum 14.02.1987',
    'Rx: atorvastatin 40 mg PO daily\nHx: asthma since childhood',
  ])(
    'reads a label with a number or code after its colon, or clinical shorthand, as a form field: %p',
    (text) => {
      expect(named(text).filter(([type]) => type === 'PERSON')).toEqual([]);
    },
  );

  it('does not mistake acronyms, field labels or code identifiers for names', () => {
    expect(named('SSN, DEA AB1234563 and NPI: 1234567893 set in AWS_ACCESS_KEY_ID')).toEqual([]);
  });

  it('reads user-agent product tokens as software, not names', () => {
    const agent =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Mobile Safari/604.1';
    expect(named(`agent: ${agent}`)).toEqual([]);
    expect(named('Maria/Garcia wrote to Maria Garcia')).toContainEqual(['PERSON', 'Maria Garcia']);
  });
});
