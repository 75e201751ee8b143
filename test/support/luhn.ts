/**
 * Completes a card number with its Luhn check digit. Kept apart from the code under test, so the
 * tests do not grade the validator with itself.
 */
export function luhnComplete(prefix: string): string {
  for (let check = 0; check < 10; check++) {
    const digits = prefix + check;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}
