import { DetectionEngine } from '../engine';
import type { DetectedEntity } from '../types';

const engine = new DetectionEngine();

function found(text: string, type: string): string[] {
  return engine
    .detect(text, { entities: [type] })
    .filter((e: DetectedEntity) => e.type === type)
    .map((e) => e.text);
}

describe('pattern recognizers find valid values and reject near-misses', () => {
  it.each([
    ['Reach me at jane.doe+news@example.co.uk today.', ['jane.doe+news@example.co.uk']],
    ['Mail a@a@a@b.com or @handle or user@localhost.', ['a@b.com']],
  ])('EMAIL_ADDRESS in %p', (text, expected) => {
    expect(found(text, 'EMAIL_ADDRESS')).toEqual(expected);
  });

  it.each([
    ['Call (415) 555-0132 or +44 20 7946 0958.', ['(415) 555-0132', '+44 20 7946 0958']],
    ['Mobile: +49 151 23456789', ['+49 151 23456789']],
    ['Ext. numbers: +1 (646) 555-0142 ext. 204', ['+1 (646) 555-0142']],
    ['ISBN 978-3-16-148410-0 and order 2024-01-15, SSN 536-22-1234', []],
    ['Total $1,234.56 on invoice 5551234567', []],
  ])('PHONE_NUMBER in %p', (text, expected) => {
    expect(found(text, 'PHONE_NUMBER')).toEqual(expected);
  });

  it.each([
    ['SSN 536-22-1234', ['536-22-1234']],
    ['social security number 536221234', ['536221234']],
    ['SSN 666-22-1234, 000-12-3456, 912-12-3456, 078-05-1120', []],
    ['Order 536221234 shipped', []],
  ])('US_SSN in %p', (text, expected) => {
    expect(found(text, 'US_SSN')).toEqual(expected);
  });

  it('scores the sample SSN 123-45-6789 lower than a plausible one', () => {
    const [sample] = engine
      .detect('SSN 123-45-6789', { minScore: 0 })
      .filter((e) => e.type === 'US_SSN');
    const [real] = engine
      .detect('SSN 536-22-1234', { minScore: 0 })
      .filter((e) => e.type === 'US_SSN');
    expect(sample.score).toBeLessThan(real.score);
  });

  it.each([
    ['ITIN 912-70-1234', ['912-70-1234']],
    ['ITIN 912-93-1234', []],
  ])('US_ITIN in %p', (text, expected) => {
    expect(found(text, 'US_ITIN')).toEqual(expected);
  });

  it.each([
    ['Card 4111 1111 1111 1111 exp 12/29', ['4111 1111 1111 1111']],
    ['Amex 378282246310005, Visa 4111-1111-1111-1111', ['378282246310005', '4111-1111-1111-1111']],
    ['Card 4111 1111 1111 1112 (bad Luhn)', []],
    ['Mixed separators 4111 1111-1111 1111', []],
    ['Tracking 1234567812345670 is not a card range', []],
  ])('CREDIT_CARD in %p', (text, expected) => {
    expect(found(text, 'CREDIT_CARD')).toEqual(expected);
  });

  it.each([
    ['IBAN DE89 3704 0044 0532 0130 00 please', ['DE89 3704 0044 0532 0130 00']],
    ['IBAN GB82WEST12345698765432', ['GB82WEST12345698765432']],
    ['IBAN GB82 WEST 1234 5698 7654 33', []],
  ])('IBAN_CODE in %p', (text, expected) => {
    expect(found(text, 'IBAN_CODE')).toEqual(expected);
  });

  it.each([
    ['routing number 021000021', ['021000021']],
    ['routing number 021000022', []],
    ['reference 021000021', []],
  ])('ABA_ROUTING_NUMBER needs its checksum and a routing word: %p', (text, expected) => {
    expect(found(text, 'ABA_ROUTING_NUMBER')).toEqual(expected);
  });

  it.each([
    ['checking account 12345678901', ['12345678901']],
    ['order number 12345678901', []],
  ])('US_BANK_NUMBER is driven by context: %p', (text, expected) => {
    expect(found(text, 'US_BANK_NUMBER')).toEqual(expected);
  });

  it.each([
    ['from 192.168.1.20 and 2001:db8::8a2e:370:7334', ['192.168.1.20', '2001:db8::8a2e:370:7334']],
    ['bad 999.1.1.300, version 1.2.3.4, time 12:30:45', []],
    ['agent Chrome/123.8.2.4 Safari/537.36 from host/10.1.2.3', ['10.1.2.3']],
  ])('IP_ADDRESS in %p', (text, expected) => {
    expect(found(text, 'IP_ADDRESS')).toEqual(expected);
  });

  it.each([
    ['mac 00:1A:2B:3C:4D:5E and 00-1a-2b-3c-4d-5f', ['00:1A:2B:3C:4D:5E', '00-1a-2b-3c-4d-5f']],
    ['cisco 001a.2b3c.4d5e', ['001a.2b3c.4d5e']],
  ])('MAC_ADDRESS in %p', (text, expected) => {
    expect(found(text, 'MAC_ADDRESS')).toEqual(expected);
  });

  it.each([
    ['See https://example.com/a?b=c). Then', ['https://example.com/a?b=c']],
    ['Visit www.example.org/path, then', ['www.example.org/path']],
    ['Open config.json and node.js docs', []],
  ])('URL in %p', (text, expected) => {
    expect(found(text, 'URL')).toEqual(expected);
  });

  it.each([
    ['Seen March 3, 2024 and 04/12/1931.', ['March 3, 2024', '04/12/1931']],
    ['ISO 2024-01-15T10:22:01Z', ['2024-01-15T10:22:01Z']],
    ['Geboren am 23. März 1977', ['23. März 1977']],
    ['el 10 de diciembre de 2021', ['10 de diciembre de 2021']],
    ['127.0.0.1 - - [08/Jan/2023:08:29:05 +0000] "GET /"', ['08/Jan/2023:08:29:05 +0000']],
    ['version 1.2.2023, build 3-4-21, firmware 4.2.19, price $12.05', []],
    ['Meet at 14:00 on Monday', []],
    ['you may 5 times', []],
  ])('DATE_TIME in %p', (text, expected) => {
    expect(found(text, 'DATE_TIME')).toEqual(expected);
  });

  it.each([
    ['Ship to 221 Baker Street, London NW1 6XE today', ['221 Baker Street, London NW1 6XE']],
    [
      'Address: 1600 Pennsylvania Avenue NW, Washington, DC 20500',
      ['1600 Pennsylvania Avenue NW, Washington, DC 20500'],
    ],
    ['went to Via Garau 282, 22495 Bologna. Thanks', ['Via Garau 282, 22495 Bologna']],
    ['Lives at 42 Elm St Apt. 3', ['42 Elm St Apt. 3']],
    ['We sold 3 Green Apples at the market', []],
  ])('STREET_ADDRESS in %p', (text, expected) => {
    expect(found(text, 'STREET_ADDRESS')).toEqual(expected);
  });

  it.each([
    ['billing ZIP 94107', ['94107']],
    ['Quantity 94107 units', []],
  ])('ZIP_CODE is driven by context: %p', (text, expected) => {
    expect(found(text, 'ZIP_CODE')).toEqual(expected);
  });

  it.each([
    ["Driver's license: D1234567", ['D1234567']],
    ['Florida DL# Z297-935-64-418-1', ['Z297-935-64-418-1']],
    ['Part D1234567 in stock', []],
  ])('US_DRIVER_LICENSE is driven by context: %p', (text, expected) => {
    expect(found(text, 'US_DRIVER_LICENSE')).toEqual(expected);
  });

  it.each([
    ['passport number C03005988', ['C03005988']],
    ['serial C03005988', []],
  ])('US_PASSPORT is driven by context: %p', (text, expected) => {
    expect(found(text, 'US_PASSPORT')).toEqual(expected);
  });

  it.each([
    ['MRN: 00482913', ['00482913']],
    ['Ticket 00482913', []],
  ])('MEDICAL_RECORD_NUMBER is driven by its label: %p', (text, expected) => {
    expect(found(text, 'MEDICAL_RECORD_NUMBER')).toEqual(expected);
  });

  it.each([
    ['NPI 1234567893', ['1234567893']],
    ['NPI 1234567890', []],
  ])('US_NPI in %p', (text, expected) => {
    expect(found(text, 'US_NPI')).toEqual(expected);
  });

  it.each([
    ['DEA AB1234563', ['AB1234563']],
    ['DEA AB1234567', []],
  ])('US_DEA in %p', (text, expected) => {
    expect(found(text, 'US_DEA')).toEqual(expected);
  });

  it.each([
    ['Medicare MBI 1EG4-TE5-MK73', ['1EG4-TE5-MK73']],
    ['member ID W415434734', ['W415434734']],
  ])('HEALTH_PLAN_ID in %p', (text, expected) => {
    expect(found(text, 'HEALTH_PLAN_ID')).toEqual(expected);
  });

  it('MEDICAL_LICENSE needs a licence label', () => {
    expect(found('state medical license 25MA07569992', 'MEDICAL_LICENSE')).toEqual([
      '25MA07569992',
    ]);
    expect(found('part 25MA07569992', 'MEDICAL_LICENSE')).toEqual([]);
  });

  it.each([
    ['Rental form: license D1234567, exp. 2027', 'US_DRIVER_LICENSE'],
    ["Patient's driver's license D1234567 on file", 'US_DRIVER_LICENSE'],
    ['MRN: 00482913; Medicare MBI 1EG4-TE5-MK73; license A54321.', 'MEDICAL_LICENSE'],
    ['Attending: Dr. Ruiz, license A54321', 'MEDICAL_LICENSE'],
    ['nursing license RN123456 verified', 'MEDICAL_LICENSE'],
  ])('a licence number is read as the licence its label names: %p', (text, type) => {
    const licences = engine
      .detect(text)
      .filter((e) => e.type === 'US_DRIVER_LICENSE' || e.type === 'MEDICAL_LICENSE');
    expect(licences.map((e) => e.type)).toEqual([type]);
  });

  it('a licence plate is not a licence number', () => {
    const text = 'license plate ABC1234 seen leaving';
    expect(found(text, 'US_DRIVER_LICENSE')).toEqual([]);
    expect(found(text, 'MEDICAL_LICENSE')).toEqual([]);
  });

  it.each([
    ['Dx: E11.9, I10.', ['E11.9', 'I10']],
    ['chronic kidney disease, stage 3 (N18.3)', ['N18.3']],
    ['Gate B12 at 10am', []],
  ])('ICD10_CODE in %p', (text, expected) => {
    expect(found(text, 'ICD10_CODE')).toEqual(expected);
  });

  it.each([
    ['a 92-year-old female', ['92']],
    ['patient aged 96', ['96']],
    ['a 45-year-old male', ['45']],
    ['A 100-year-old oak fell', []],
  ])('AGE reports ages stated about people (any value since issue 16): %p', (text, expected) => {
    expect(found(text, 'AGE')).toEqual(expected);
  });

  it.each([
    ['BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2']],
    [
      'BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    ],
    [
      'ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'],
    ],
    ['ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', []],
    ['BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', []],
  ])('CRYPTO in %p', (text, expected) => {
    expect(found(text, 'CRYPTO')).toEqual(expected);
  });

  it.each([
    ['VIN 1HGCM82633A004352', ['1HGCM82633A004352']],
    ['VIN 1M8GDM9A1KP042788 fails its check digit', []],
    ['ABCDEFGHJKLMNPRST is a word run', []],
  ])('VIN in %p', (text, expected) => {
    expect(found(text, 'VIN')).toEqual(expected);
  });

  it.each([
    ['key AKIAIOSFODNN7EXAMPLE', ['AKIAIOSFODNN7EXAMPLE']],
    [
      'token ghp_1234567890abcdefghijABCDEFGHIJ123456',
      ['ghp_1234567890abcdefghijABCDEFGHIJ123456'],
    ],
    ['api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc', ['sk_live_4eC39HqLyjWDarjtT1zdp7dc']],
    ['slack xoxb-123456789012-abcdefABCDEF', ['xoxb-123456789012-abcdefABCDEF']],
    [
      'secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ],
    ['password: correcthorse', []],
    ['commit 3f786850e387550fdab836ed7e6dc881de23001b', []],
  ])('API_KEY in %p', (text, expected) => {
    expect(found(text, 'API_KEY')).toEqual(expected);
  });

  it('API_KEY covers a PEM private key block from BEGIN to END', () => {
    const pem =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----';
    expect(found(`key:\n${pem}\nthanks`, 'API_KEY')).toEqual([pem]);
  });
});
