/** Numbers published in advertising or otherwise known never to be issued. */
const KNOWN_INVALID = new Set(['078051120', '219099999', '457555462']);
/** Sample numbers seen in docs and forms: real-looking but almost never real. */
const PLACEHOLDERS = new Set([
  '123456789',
  '111111111',
  '222222222',
  '333333333',
  '444444444',
  '555555555',
  '777777777',
  '888888888',
  '987654321',
  '012345678',
]);

export type SsnVerdict = 'valid' | 'invalid' | 'placeholder';

/** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssnVerdict(raw: string): SsnVerdict {
  const digits = raw.replace(/[\s.-]/g, '');
  if (!/^\d{9}$/.test(digits)) return 'invalid';
  const area = digits.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return 'invalid';
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return 'invalid';
  if (KNOWN_INVALID.has(digits)) return 'invalid';
  if (PLACEHOLDERS.has(digits)) return 'placeholder';
  return 'valid';
}

/** ITIN: 9xx area, group 50-65, 70-88, 90-92 or 94-99. */
export function itinValid(raw: string): boolean {
  const digits = raw.replace(/[\s.-]/g, '');
  if (!/^9\d{8}$/.test(digits)) return false;
  const group = Number(digits.slice(3, 5));
  return (
    (group >= 50 && group <= 65) ||
    (group >= 70 && group <= 88) ||
    (group >= 90 && group <= 92) ||
    group >= 94
  );
}
