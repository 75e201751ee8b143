import { luhnValid } from './luhn';

/** NPI: 10 digits starting 1 or 2, Luhn over the digits prefixed with 80840. */
export function npiValid(raw: string): boolean {
  if (!/^[12]\d{9}$/.test(raw)) return false;
  return luhnValid('80840' + raw);
}
