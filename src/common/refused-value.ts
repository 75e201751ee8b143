/**
 * SQLSTATEs for a caller's value the database cannot hold: 22003 numeric out of range, 22021
 * and 22P05 a character (NUL) text or jsonb cannot store. Inputs are checked before they get
 * here (DTO ranges, NUL refused by the body parser and in URLs); this is the backstop, a 400.
 */
const REFUSED_VALUE_SQLSTATE = new Set(['22003', '22021', '22P05']);

export function isRefusedValue(exception: unknown): boolean {
  const error = exception as { code?: unknown; driverError?: unknown } | null;
  if (!error || typeof error !== 'object') return false;
  const driver = (error.driverError ?? error) as { code?: unknown };
  return typeof driver.code === 'string' && REFUSED_VALUE_SQLSTATE.has(driver.code);
}
