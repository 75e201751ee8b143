import type { ValidationError } from 'class-validator';

/**
 * A caller-chosen name (a JSON key) as an error message may show it: identifier characters only,
 * at most 32, and no run of three digits, so an e-mail address, a phone number or other free text
 * sent as a key is never echoed back (or logged). Array indices (up to four digits) pass.
 * Anything else is shown as `[…]`.
 */
const SAFE_NAME = /^[A-Za-z_*][A-Za-z0-9_*-]{0,31}$/;

/** An array index as class-validator reports it; longer digit strings could be a number. */
const INDEX = /^\d{1,4}$/;

export function safeName(name: string): string {
  if (INDEX.test(name)) return name;
  return SAFE_NAME.test(name) && !/\d{3}/.test(name) ? name : '[…]';
}

/**
 * ValidationPipe errors as messages that name known fields only: a property the DTO does not
 * declare is reported as `unknown property "x"` with its name passed through safeName, never as
 * class-validator's "property x should not exist"; values are never quoted.
 */
export function validationMessages(errors: readonly ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const name = safeName(error.property);
    const path = prefix ? `${prefix}.${name}` : name;
    for (const [kind, message] of Object.entries(error.constraints ?? {})) {
      if (kind === 'whitelistValidation') {
        const unknown = name === '[…]' ? 'unknown property' : `unknown property "${name}"`;
        out.push(prefix ? `${prefix}: ${unknown}` : unknown);
      } else {
        out.push(prefix ? `${prefix}.${message}` : message);
      }
    }
    out.push(...validationMessages(error.children ?? [], path));
  }
  return out;
}
