const TRANSLITERATION: Readonly<Record<string, number>> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** 17-character VIN without I, O, Q; North American check digit in position 9. */
export function vinCheckDigitValid(raw: string): boolean {
  const vin = raw.toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const ch = vin[i];
    const value = ch >= '0' && ch <= '9' ? Number(ch) : TRANSLITERATION[ch];
    sum += value * WEIGHTS[i];
  }
  const check = sum % 11;
  return vin[8] === (check === 10 ? 'X' : String(check));
}

/** A plausible VIN must mix letters and digits (not a long word or a pure number). */
export function vinShapeValid(raw: string): boolean {
  return /[A-Z]/i.test(raw) && /\d/.test(raw) && (raw.match(/\d/g)?.length ?? 0) >= 5;
}
