import type { IncomingMessage } from 'node:http';

/**
 * What the request log line and metrics say about a request: ids and the route template only,
 * never a raw path, header or body. Kept on the raw Node request, which every layer can reach.
 */
export interface RequestContext {
  /** Route template (`/v1/admin/api-keys/:id`), or `unmatched` for a 404. */
  route: string;
  keyId?: string;
  tenantId?: string;
}

const CONTEXT = Symbol('pii-vault.request-context');

type WithContext = IncomingMessage & { [CONTEXT]?: RequestContext };

export const UNMATCHED_ROUTE = 'unmatched';

export function attachRequestContext(raw: IncomingMessage, route: string | undefined): void {
  (raw as WithContext)[CONTEXT] = { route: route ?? UNMATCHED_ROUTE };
}

export function requestContextOf(raw: IncomingMessage): RequestContext | undefined {
  return (raw as WithContext)[CONTEXT];
}

/** Called once the API key is known, so the request line names its key and tenant. */
export function noteCaller(
  raw: IncomingMessage,
  caller: { keyId: string; tenantId: string },
): void {
  const context = (raw as WithContext)[CONTEXT];
  if (!context) return;
  context.keyId = caller.keyId;
  context.tenantId = caller.tenantId;
}
