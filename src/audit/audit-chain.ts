import { createHash } from 'node:crypto';
import type { AuditMac } from '../crypto/audit-mac';
import type { AuditDetails, AuditEvent, JsonValue } from './audit.types';

/** prev_hash of a tenant's first row. */
export const GENESIS_HASH = Buffer.alloc(32);

/**
 * How a row's hash was made, stored per row (audit_events.chain_version) and part of the hashed
 * text. 1: plain SHA-256, written before the chain was keyed; anyone who can write the database
 * can recompute it, so v1 rows count only as a prefix sealed by a v2 row after them. 2: HMAC-SHA-256
 * under the audit key (src/crypto/audit-mac.ts), which the database alone cannot recompute.
 */
export type ChainVersion = 1 | 2;
/** The version every new row is written with. */
export const CHAIN_VERSION: ChainVersion = 2;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// PostgreSQL stores neither NUL nor lone UTF-16 surrogates; the pg driver would silently turn the
// latter into U+FFFD, so the stored row would no longer match its hash. Replace both up front.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be matched
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** An event exactly as PostgreSQL will store and return it. */
export interface NormalizedEvent {
  tenantId: string;
  occurredAt: string;
  action: string;
  apiKeyId: string | null;
  roles: string[];
  purpose: string | null;
  details: AuditDetails;
}

/** One row of the chain: the event, its position and the hash of the row before. */
export interface ChainLink extends NormalizedEvent {
  seq: string;
  prevHash: Buffer;
}

/**
 * Brings an event into the form its stored row will have: lower-case uuids, storable strings,
 * details as JSON (undefined dropped) and a millisecond timestamp, which timestamptz keeps exactly.
 * Throws on a malformed tenant or key id, so one bad event never fails a whole batch.
 */
export function normalizeEvent(event: AuditEvent, occurredAt: Date): NormalizedEvent {
  const tenantId = event.tenantId.toLowerCase();
  const apiKeyId = event.apiKeyId === null ? null : event.apiKeyId.toLowerCase();
  if (!UUID.test(tenantId)) throw new TypeError('audit event: tenantId must be a uuid');
  if (apiKeyId !== null && !UUID.test(apiKeyId)) {
    throw new TypeError('audit event: apiKeyId must be a uuid or null');
  }
  const details = storable(JSON.parse(JSON.stringify(event.details ?? {})) as JsonValue);
  return {
    tenantId,
    occurredAt: occurredAt.toISOString(),
    action: storableText(event.action),
    apiKeyId,
    roles: event.roles.map(storableText),
    purpose:
      event.purpose === undefined || event.purpose === null ? null : storableText(event.purpose),
    details: details as AuditDetails,
  };
}

/** The hash of a new (v2) link: HMAC-SHA-256 under the audit key over its canonical text. */
export function linkHash(link: ChainLink, mac: AuditMac): Buffer {
  return mac.link(link.tenantId, linkText(link, 2));
}

/** The hash of a v1 link, as rows written before the chain was keyed carry it: plain SHA-256. */
export function legacyLinkHash(link: ChainLink): Buffer {
  return createHash('sha256').update(linkText(link, 1), 'utf8').digest();
}

/** Canonical JSON of every field of the link and its chain version (v1's text is unchanged). */
export function linkText(link: ChainLink, version: ChainVersion): string {
  return canonicalJson({
    format: version,
    tenantId: link.tenantId,
    seq: link.seq,
    occurredAt: link.occurredAt,
    action: link.action,
    apiKeyId: link.apiKeyId,
    roles: link.roles,
    purpose: link.purpose,
    details: link.details as JsonValue,
    prevHash: link.prevHash.toString('hex'),
  });
}

/**
 * JSON with object keys sorted at every level and no whitespace: one text per value. (Loops
 * rather than map/filter/join: it runs for every audited request; the text must never change.)
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonical JSON: numbers must be finite');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      // An undefined element encodes as nothing, as Array.prototype.join has always made it.
      out += (i === 0 ? '' : ',') + ((canonicalJson(value[i]) as string | undefined) ?? '');
    }
    return `${out}]`;
  }
  let out = '{';
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

function storable(value: JsonValue): JsonValue {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(storable);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) out[storableText(key)] = storable(item);
  return out;
}

/** Most text holds neither NUL nor any surrogate: one cheap scan skips the replace. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

function storableText(text: string): string {
  return MAYBE_UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '\uFFFD') : text;
}
