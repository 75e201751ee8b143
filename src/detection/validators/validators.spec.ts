import { abaValid } from './aba';
import { base58CheckValid } from './base58check';
import { bech32Valid } from './bech32';
import { deaValid } from './dea';
import { eip55Verdict } from './eip55';
import { ibanValid } from './iban';
import { luhnValid } from './luhn';
import { npiValid } from './npi';
import { itinValid, ssnVerdict } from './ssn';
import { vinCheckDigitValid } from './vin';

describe('checksum validators', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['378282246310005', true],
    ['79927398713', true],
    ['79927398710', false],
    ['12a4', false],
  ])('Luhn accepts %s only when its check digit is right (%s)', (digits, expected) => {
    expect(luhnValid(digits)).toBe(expected);
  });

  it.each([
    ['DE89 3704 0044 0532 0130 00', true],
    ['GB82 WEST 1234 5698 7654 32', true],
    ['GB82WEST12345698765432', true],
    ['GB82 WEST 1234 5698 7654 33', false],
    ['DE89 3704 0044 0532 0130 0', false], // wrong length for Germany
    ['XX89 3704 0044 0532 0130 00', false], // unknown country
  ])('IBAN %s passes country length and mod-97: %s', (iban, expected) => {
    expect(ibanValid(iban)).toBe(expected);
  });

  it.each([
    ['021000021', true],
    ['011000015', true],
    ['021000022', false],
    ['991000021', false], // prefix outside Federal Reserve ranges
    ['12345678', false],
  ])('ABA routing number %s is valid: %s', (value, expected) => {
    expect(abaValid(value)).toBe(expected);
  });

  it.each([
    ['1234567893', true],
    ['1234567890', false],
    ['3234567893', false],
  ])('NPI %s passes Luhn with the 80840 prefix: %s', (value, expected) => {
    expect(npiValid(value)).toBe(expected);
  });

  it.each([
    ['AB1234563', true],
    ['AB1234567', false],
    ['IB1234563', false], // I is not a registrant type
  ])('DEA number %s has a valid check digit: %s', (value, expected) => {
    expect(deaValid(value)).toBe(expected);
  });

  it.each([
    ['1HGCM82633A004352', true],
    ['1M8GDM9AXKP042788', true],
    ['1M8GDM9A1KP042788', false],
    ['1HGCM82633A00435I', false], // I is never used
  ])('VIN %s has the right check digit in position 9: %s', (value, expected) => {
    expect(vinCheckDigitValid(value)).toBe(expected);
  });

  it.each([
    ['536-22-1234', 'valid'],
    ['000-12-3456', 'invalid'],
    ['666-12-3456', 'invalid'],
    ['912-12-3456', 'invalid'],
    ['536-00-1234', 'invalid'],
    ['536-22-0000', 'invalid'],
    ['078-05-1120', 'invalid'], // the Woolworth wallet card
    ['123-45-6789', 'placeholder'],
  ])('SSN %s is %s under SSA rules', (value, expected) => {
    expect(ssnVerdict(value)).toBe(expected);
  });

  it.each([
    ['912-70-1234', true],
    ['912-93-1234', false],
    ['512-70-1234', false],
  ])('ITIN %s has a 9xx area and a reserved group: %s', (value, expected) => {
    expect(itinValid(value)).toBe(expected);
  });

  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', true],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', true],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', false],
  ])('Bitcoin base58check address %s is valid: %s', (value, expected) => {
    expect(base58CheckValid(value)).toBe(expected);
  });

  it.each([
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', true],
    ['bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', true], // bech32m (taproot)
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr', false],
    ['bc1qAr0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', false], // mixed case
  ])('bech32 address %s has a valid checksum: %s', (value, expected) => {
    expect(bech32Valid(value)).toBe(expected);
  });

  it.each([
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'checksummed'],
    ['0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359', 'checksummed'],
    ['0x52908400098527886e0f7030069857d2e4169ee7', 'unchecked'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'invalid'],
    ['0x5290840009852788', 'invalid'],
  ])('Ethereum address %s is %s under EIP-55', (value, expected) => {
    expect(eip55Verdict(value)).toBe(expected);
  });
});
