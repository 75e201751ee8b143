import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, statusFor } from './errors';

/**
 * The raw HTTP answer to a request Node could not even parse (no route, no hooks run): header
 * fields too large (431), a client too slow to send its request (408), anything else (400). In
 * the API's `{error:{code,message}}` shape, never quoting what the client sent.
 */
export function clientErrorResponse(errorCode: string | undefined): string {
  const body =
    errorCode === 'HPE_HEADER_OVERFLOW'
      ? { code: ErrorCode.HeadersTooLarge, message: 'The request header fields are too large' }
      : errorCode === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { code: ErrorCode.RequestTimeout, message: 'The request was not received in time' }
        : { code: ErrorCode.InvalidRequest, message: 'The request is malformed' };
  const status = statusFor(body.code);
  const json = JSON.stringify({ error: body });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
    `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${json}`
  );
}

/** Fastify's clientErrorHandler: as its default, but answering in the API's error shape. */
export function handleClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.write(clientErrorResponse(error.code));
  socket.destroy(error);
}
