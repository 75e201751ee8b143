import { ErrorCode } from './errors';

/** What the exception filter answers for an error it does not know by type. */
export interface ErrorMapping {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Recognises one family of errors (by class, driver code, response shape) or returns undefined. */
export type ErrorMapper = (error: unknown) => ErrorMapping | undefined;

type ErrorClass = abstract new (...args: never[]) => Error;

const mappers: ErrorMapper[] = [];

/**
 * Modules register how their own errors map to an error code, next to where the errors are
 * defined, so the one exception filter maps them without importing any module. A mapping is
 * fixed text: an error's own message is never sent, since it may carry internal detail.
 */
export function registerErrorMapper(mapper: ErrorMapper): void {
  mappers.push(mapper);
}

/** Every instance of `type` (and its subclasses) answers `code` with `message`. */
export function registerErrorClass(type: ErrorClass, code: ErrorCode, message: string): void {
  registerErrorMapper((error) => (error instanceof type ? { code, message } : undefined));
}

/** The first registered mapping that recognises `error`, in registration order. */
export function mapRegisteredError(error: unknown): ErrorMapping | undefined {
  for (const mapper of mappers) {
    const mapping = mapper(error);
    if (mapping) return mapping;
  }
  return undefined;
}
