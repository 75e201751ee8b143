/**
 * Table tests for the weak classes of issue 16 (item 3), written from our own examples.
 * Each row: a text, the value that must be reported with its type, or values that must not be.
 */
import { DetectionEngine } from './engine';

const engine = new DetectionEngine();

type Row = [text: string, type: string, value: string];

function found(text: string): { type: string; text: string }[] {
  return engine.detect(text).map((e) => ({ type: e.type, text: e.text }));
}

/** The value is reported with the type, or covered by a span of that type. */
function expectReported([text, type, value]: Row): void {
  const start = text.indexOf(value);
  expect(start).toBeGreaterThanOrEqual(0);
  const hit = engine
    .detect(text)
    .find((e) => e.type === type && e.start <= start && start + value.length <= e.end);
  if (!hit)
    throw new Error(
      `${type} »${value}« not reported in: ${text}\ngot ${JSON.stringify(found(text))}`,
    );
}

function expectNotReported(text: string, value: string, type?: string): void {
  const start = text.indexOf(value);
  const hit = engine
    .detect(text)
    .find((e) => (!type || e.type === type) && e.start < start + value.length && start < e.end);
  if (hit) throw new Error(`»${value}« reported as ${hit.type} »${hit.text}« in: ${text}`);
}

describe('@handles are USERNAME, not PERSON', () => {
  const rows: Row[] = [
    ['thanks @dana_k for the tip!', 'USERNAME', '@dana_k'],
    ['cc @OrbitalFreightCo can you check this', 'USERNAME', '@OrbitalFreightCo'],
    ['RT @marta.lopez: great talk today', 'USERNAME', '@marta.lopez'],
    ['ping @jh-78 on slack', 'USERNAME', '@jh-78'],
  ];
  it.each(rows)('%s', (...row) => expectReported(row));

  it('does not call the handle a PERSON, nor an e-mail address a handle', () => {
    expectNotReported('thanks @dana_k for the tip!', 'dana_k', 'PERSON');
    expectNotReported('mail tomas@ridgeway.example now', '@ridgeway', 'USERNAME');
    expectNotReported('we paid @ 5% interest', '@', 'USERNAME');
  });
});

describe('PERSON false positives are filtered', () => {
  const notPersons: [string, string][] = [
    [
      'SOAP note\nS: pt reports chest pain since 0400\nED course uneventful, admitted to ICU.',
      'ICU',
    ],
    ['ED course uneventful, admitted to ICU overnight.', 'ED'],
    ['SBAR\nSituation: fall at home\nBackground: lives alone', 'Situation'],
    ['Sender: Harwick Couriers\nRecipient: Ilse Brandt', 'Sender'],
    ['Co-applicant: none\nIncome: 54,000', 'Co-applicant'],
    ['Fecha de ingreso: 12/03/2019', 'Fecha de ingreso'],
    ['Senior Vice President of sales will sign.', 'Senior Vice President'],
    ['YOU are the best lol Im so happy', 'YOU'],
    ['Servicio de Urgencias del hospital', 'Servicio de Urgencias'],
    ['ANA positivo, EVA 7/10', 'ANA'],
  ];
  it.each(notPersons)('%s → not PERSON %s', (text, value) =>
    expectNotReported(text, value, 'PERSON'),
  );

  const persons: Row[] = [
    ['Dear Teodora Vasquez-Lind,\nthank you for your letter.', 'PERSON', 'Teodora Vasquez-Lind'],
    ["Customer: Hi, I'm Amely Kovacek and my order is late", 'PERSON', 'Amely Kovacek'],
    ['Doctor Ignacio Navarro will see you now.', 'PERSON', 'Ignacio Navarro'],
  ];
  it.each(persons)('%s', (...row) => expectReported(row));

  it('keeps the name after a cut word, not the word', () => {
    const e = engine.detect('Dear Teodora Vasquez-Lind, thanks').find((x) => x.type === 'PERSON');
    expect(e?.text.startsWith('Teodora')).toBe(true);
  });
});

describe('companies named after people are ORGANIZATION', () => {
  const rows: Row[] = [
    ['I work for Hendricks Energy in the billing team.', 'ORGANIZATION', 'Hendricks Energy'],
    ['Order from Baker & Sons arrived damaged.', 'ORGANIZATION', 'Baker & Sons'],
  ];
  it.each(rows)('%s', (...row) => expectReported(row));
  it('does not report the surname inside as a PERSON', () => {
    expectNotReported('I work for Hendricks Energy in the billing team.', 'Hendricks', 'PERSON');
  });
});

describe('ages in clinical and chat shorthand', () => {
  const rows: Row[] = [
    ['47 y/o F presents with chest pain', 'AGE', '47'],
    ['pt (81) fell at home, no LOC', 'AGE', '81'],
    ['Age: 6\nWeight: 21 kg', 'AGE', '6'],
    ["i'm 29 and still get carded lol", 'AGE', '29'],
    ['I am 71, retired since last year', 'AGE', '71'],
    ['Paciente varón de 65 años que consulta por disnea.', 'AGE', '65'],
    ['Edad: 70 años Sexo: H', 'AGE', '70'],
    ['Mme Girard, 84 ans, hospitalisée pour chute.', 'AGE', '84'],
    ['A 34-year-old woman with asthma.', 'AGE', '34'],
  ];
  it.each(rows)('%s', (...row) => expectReported(row));

  const notAges: [string, string][] = [
    ['he smoked for 20 yrs before quitting', '20'],
    ['diagnosticada hace 13 años de diabetes', '13'],
    ['a 100-year-old oak fell on the road', '100'],
    ["i'm 5 minutes away", '5'],
    ['Room 12 (45) is free', '45'],
  ];
  it.each(notAges)('%s → no AGE %s', (text, value) => expectNotReported(text, value, 'AGE'));
});

describe('postcodes', () => {
  const rows: Row[] = [
    ['Send it to 14 Ferry Lane, Hexham NE46 3PL please', 'ZIP_CODE', 'NE46 3PL'],
    ['postcode is SW1A 1AA', 'ZIP_CODE', 'SW1A 1AA'],
    ['Our Ottawa office: K1A 0B1', 'ZIP_CODE', 'K1A 0B1'],
    ['billing ZIP 94107, card ending 4242', 'ZIP_CODE', '94107'],
    ['CP: 28016.\nDatos asistenciales.', 'ZIP_CODE', '28016'],
    ['Avda. de Elvas s/n. 06080 Badajoz', 'ZIP_CODE', '06080'],
    ['C/ Grecia nº 27, 13005 - Ciudad Real', 'ZIP_CODE', '13005'],
    ['PLZ 8001 Zürich', 'ZIP_CODE', '8001'],
    ['Keizersgracht 12, 1015 CS Amsterdam', 'ZIP_CODE', '1015 CS'],
  ];
  it.each(rows)('%s', (text, type, value) => {
    // A whole address may carry the postcode: either type covering it counts.
    const start = text.indexOf(value);
    const hit = engine
      .detect(text)
      .find(
        (e) =>
          (e.type === type || e.type === 'STREET_ADDRESS') &&
          e.start <= start &&
          start + value.length <= e.end,
      );
    expect(hit).toBeDefined();
  });

  const notPostcodes: [string, string][] = [
    ['Invoice 48213 is overdue', '48213'],
    ['In 2019 Madrid hosted it', '2019'],
    ['we sold 12000 units in Q3', '12000'],
    ['order 30 items by 1200 today', '1200'],
  ];
  it.each(notPostcodes)('%s → no ZIP_CODE %s', (text, value) =>
    expectNotReported(text, value, 'ZIP_CODE'),
  );
});

describe('street addresses outside the US pattern', () => {
  const rows: Row[] = [
    ['Wir wohnen in der Hauptstraße 5, 10115 Berlin.', 'STREET_ADDRESS', 'Hauptstraße 5'],
    ['Lieferadresse: Lindenallee 23a', 'STREET_ADDRESS', 'Lindenallee 23a'],
    ['Domicilio: Calle Mayor 12, 3º B', 'STREET_ADDRESS', 'Calle Mayor 12, 3º B'],
    [
      'Remitido por: C/ Juan Bosco, 17, 2º Izda. 31007 Pamplona',
      'STREET_ADDRESS',
      'C/ Juan Bosco, 17, 2º Izda. 31007 Pamplona',
    ],
    ['Avda. de Elvas s/n. 06080 Badajoz', 'STREET_ADDRESS', 'Avda. de Elvas s/n'],
    [
      'Domicilio: calle monforte de lemos 129, 8C.',
      'STREET_ADDRESS',
      'calle monforte de lemos 129',
    ],
    [
      'Envoyez-le au 12 rue de la Paix, 75002 Paris',
      'STREET_ADDRESS',
      '12 rue de la Paix, 75002 Paris',
    ],
    ['Spedire a Via Roma 12, 20121 Milano', 'STREET_ADDRESS', 'Via Roma 12, 20121 Milano'],
    ['Bezorgen op Keizersgracht 12, 1015 CS Amsterdam', 'STREET_ADDRESS', 'Keizersgracht 12'],
    [
      'Carretera de Toledo km 12,500 28905 Getafe',
      'STREET_ADDRESS',
      'Carretera de Toledo km 12,500',
    ],
    [
      'Mail: PSC 1234, Box 5678, APO AE 09001',
      'STREET_ADDRESS',
      'PSC 1234, Box 5678, APO AE 09001',
    ],
    ['USS Nimitz FPO AP 96620-2820', 'STREET_ADDRESS', 'FPO AP 96620-2820'],
    ['PO Box 4417, Tulsa', 'STREET_ADDRESS', 'PO Box 4417'],
    ['Apartado de correos 41, Albacete', 'STREET_ADDRESS', 'Apartado de correos 41'],
    ['Postfach 12 34 56 in Köln', 'STREET_ADDRESS', 'Postfach 12'],
    [
      'Ship to:\n4410 Larkspur Road\nApt 7B\nTaos, NM 87571',
      'STREET_ADDRESS',
      '4410 Larkspur Road',
    ],
  ];
  it.each(rows)('%s', (...row) => expectReported(row));

  const notAddresses: [string, string][] = [
    ['en la calle durante 3 horas', 'calle durante 3'],
    ['Plaza de toros durante las fiestas de 2019', 'Plaza de toros'],
    ['Der Weg ist 5 km lang', 'Weg ist 5'],
  ];
  it.each(notAddresses)('%s → no STREET_ADDRESS', (text, value) =>
    expectNotReported(text, value, 'STREET_ADDRESS'),
  );
});

describe('dates written out, and without a year', () => {
  const rows: Row[] = [
    ['En febrero de 2012 ingresa para un plan', 'DATE_TIME', 'febrero de 2012'],
    ['en enero del 2011, un colgajo', 'DATE_TIME', 'enero del 2011'],
    ['El 30-marzo-2004 se inició la diálisis', 'DATE_TIME', '30-marzo-2004'],
    ['Termin am 15. März um 10 Uhr', 'DATE_TIME', '15. März'],
    ['rendez-vous le 3 mars', 'DATE_TIME', '3 mars'],
    ['on the third of March we met', 'DATE_TIME', 'third of March'],
    ['see you March 3rd at the clinic', 'DATE_TIME', 'March 3rd'],
    ['born on the 5th of June', 'DATE_TIME', '5th of June'],
  ];
  it.each(rows)('%s', (...row) => expectReported(row));
  it('does not read a verb as a month', () =>
    expectNotReported('the second of may we go', 'second of may', 'DATE_TIME'));
});

describe('organisations in upper or lower case (statement descriptors, chat)', () => {
  const rows: Row[] = [
    ['12/03 SQ *BLUE BOTTLE COFFEE  $6.50', 'ORGANIZATION', 'BLUE BOTTLE COFFEE'],
    ['PAYPAL *NETFLIX 4029357733 CA', 'ORGANIZATION', 'NETFLIX'],
    ['POS PURCHASE WALGREENS #1234 CHICAGO IL', 'ORGANIZATION', 'WALGREENS'],
    ['DEBIT CARD PURCHASE - ORTEGA ROOFING 555', 'ORGANIZATION', 'ORTEGA ROOFING'],
    ['i was charged by kestrel mutual twice this month', 'ORGANIZATION', 'kestrel mutual'],
    ['Merchant: harbourline freight', 'ORGANIZATION', 'harbourline freight'],
  ];
  it.each(rows)('%s', (...row) => expectReported(row));
  it('stops the name before the store number and ordinary words', () => {
    const e = engine
      .detect('charged by kestrel mutual twice')
      .find((x) => x.type === 'ORGANIZATION');
    expect(e?.text).toBe('kestrel mutual');
  });
});

describe('places given as the value of a form label', () => {
  const rows: Row[] = [
    ['País: España.\nEdad: 70 años', 'LOCATION', 'España'],
    ['Localidad/ Provincia: Tudela.\nCP: 31512.', 'LOCATION', 'Tudela'],
    ['Name: Ilse Brandt\nCity: Hexham\nPhone: 555 0100', 'LOCATION', 'Hexham'],
    ['Place of birth: Sarlat-la-Canéda, France', 'LOCATION', 'Sarlat-la-Canéda'],
    ['Wohnort: Quedlinburg', 'LOCATION', 'Quedlinburg'],
  ];
  it.each(rows)('%s', (...row) => expectReported(row));
  it('needs a capitalised value after the label', () =>
    expectNotReported('in the city: it was big', 'it was big', 'LOCATION'));
});

describe('international postcodes, streets, account and phone numbers', () => {
  // A postcode inside a whole address is reported as part of the STREET_ADDRESS span.
  const postcodes: [text: string, value: string][] = [
    ['Envie para Rua Augusta 274, 1100-048 Lisboa', '1100-048'],
    ['adres: ul. Prosta 20, 00-850 Warszawa', '00-850'],
    ['Enviar para Avenida Paulista 1578, 01310-200 São Paulo', '01310-200'],
    ['Deliver to Flat 4, MG Road, Bengaluru 560001 by Friday', '560001'],
    ['my PIN code is 110001', '110001'],
    ['Our Dublin office moved: D02 X285', 'D02 X285'],
    ['Sent to 14 Elm Street, Springfield 62704-1234', '62704-1234'],
    ['Lieferung: Kirchgasse 3, 1070 Wien', '1070'],
  ];
  it.each(postcodes)('%s → ZIP_CODE %s', (text, value) => {
    const start = text.indexOf(value);
    const hit = engine
      .detect(text)
      .find(
        (e) =>
          (e.type === 'ZIP_CODE' || e.type === 'STREET_ADDRESS') &&
          e.start <= start &&
          start + value.length <= e.end,
      );
    if (!hit)
      throw new Error(`»${value}« not reported in: ${text}: ${JSON.stringify(found(text))}`);
  });

  const rows: Row[] = [
    ['Envie para Rua Augusta 274, 1100-048 Lisboa', 'STREET_ADDRESS', 'Rua Augusta 274'],
    ['Travessa do Carmo 12, 1200-095 Lisboa', 'STREET_ADDRESS', 'Travessa do Carmo 12'],
    ['adres: ul. Prosta 20, 00-850 Warszawa', 'STREET_ADDRESS', 'ul. Prosta 20'],
    ["Rendez-vous au 5 Quai d'Orsay, 75007 Paris", 'STREET_ADDRESS', "5 Quai d'Orsay"],
    ['Siège: 18 Boulevard Haussmann', 'STREET_ADDRESS', '18 Boulevard Haussmann'],
    ['Pay to IR200170000000000123456789 today', 'IBAN_CODE', 'IR200170000000000123456789'],
    ['reach me on +61 8 0955 0728 after lunch', 'PHONE_NUMBER', '+61 8 0955 0728'],
    ['llámame al 612345678 mañana', 'PHONE_NUMBER', '612345678'],
  ];
  it.each(rows)('%s → %s %s', (...row) => expectReported(row));

  const notReported: [text: string, value: string, type: string][] = [
    ['Chapter 12 covers 1984 Orwell and more', '1984', 'ZIP_CODE'],
    ['see pages 12-345 Smith et al.', '12-345', 'ZIP_CODE'],
    ['Order 482913 ships Monday', '482913', 'ZIP_CODE'],
    ['pedido 612345678 enviado', '612345678', 'PHONE_NUMBER'],
    [
      'IR200170000000000123456780 is not a valid account',
      'IR200170000000000123456780',
      'IBAN_CODE',
    ],
    ['score went +12 345 678 points', '+12 345 678', 'PHONE_NUMBER'],
  ];
  it.each(notReported)('%s → no %s', (text, value, type) => expectNotReported(text, value, type));
});
