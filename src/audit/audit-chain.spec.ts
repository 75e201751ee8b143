import { createHash, randomBytes } from 'node:crypto';
import { AuditMac } from '../crypto/audit-mac';
import type { AuditEvent } from './audit.types';
import {
  canonicalJson,
  ChainLink,
  GENESIS_HASH,
  legacyLinkHash,
  linkHash,
  normalizeEvent,
} from './audit-chain';

const TENANT = '6f1c1a9e-2b7d-4c3e-9a51-0d2e8f4b7c10';
const KEY = '0b8e3f6a-5c21-4d9e-8f70-1a2b3c4d5e6f';

function link(overrides: Partial<ChainLink> = {}): ChainLink {
  return {
    tenantId: TENANT,
    seq: '7',
    occurredAt: '2026-11-23T12:00:00.123Z',
    action: 'detokenize',
    apiKeyId: KEY,
    roles: ['support', 'billing'],
    purpose: 'ticket 4711',
    details: { tokens: [{ token: '[PERSON_7QX2KD]', type: 'PERSON', outcome: 'revealed' }] },
    prevHash: Buffer.alloc(32, 1),
    ...overrides,
  };
}

const mac = new AuditMac(randomBytes(32));
const keyed = (l: ChainLink) => linkHash(l, mac);

describe('keyed (v2) audit chain hash', () => {
  it('is a 32-byte MAC and the same for the same link under the same key', () => {
    expect(keyed(link())).toHaveLength(32);
    expect(keyed(link()).equals(keyed(link()))).toBe(true);
  });

  it('cannot be recomputed without the audit key: not the v1 SHA-256, and another key differs', () => {
    expect(keyed(link()).equals(legacyLinkHash(link()))).toBe(false);
    expect(linkHash(link(), new AuditMac(randomBytes(32))).equals(keyed(link()))).toBe(false);
  });
});

describe('legacy (v1) audit chain hash', () => {
  it('is still exactly the SHA-256 of the canonical text rows were written with', () => {
    const text =
      '{"action":"detokenize","apiKeyId":"0b8e3f6a-5c21-4d9e-8f70-1a2b3c4d5e6f",' +
      '"details":{"tokens":[{"outcome":"revealed","token":"[PERSON_7QX2KD]","type":"PERSON"}]},' +
      `"format":1,"occurredAt":"2026-11-23T12:00:00.123Z","prevHash":"${'01'.repeat(32)}",` +
      '"purpose":"ticket 4711","roles":["support","billing"],"seq":"7",' +
      '"tenantId":"6f1c1a9e-2b7d-4c3e-9a51-0d2e8f4b7c10"}';
    expect(legacyLinkHash(link()).equals(createHash('sha256').update(text).digest())).toBe(true);
  });
});

describe.each([
  ['keyed', keyed],
  ['legacy', legacyLinkHash],
])('%s audit chain hash', (_, linkHash) => {
  const changes: [string, Partial<ChainLink>][] = [
    ['tenant', { tenantId: '6f1c1a9e-2b7d-4c3e-9a51-0d2e8f4b7c11' }],
    ['seq', { seq: '8' }],
    ['time, by one millisecond', { occurredAt: '2026-11-23T12:00:00.124Z' }],
    ['action', { action: 'forget' }],
    ['api key', { apiKeyId: null }],
    ['roles', { roles: ['support'] }],
    ['role order', { roles: ['billing', 'support'] }],
    ['purpose', { purpose: 'ticket 4712' }],
    ['purpose, absent instead of empty', { purpose: '' }],
    [
      'an outcome inside details',
      { details: { tokens: [{ token: '[PERSON_7QX2KD]', type: 'PERSON', outcome: 'denied' }] } },
    ],
    ['previous hash', { prevHash: GENESIS_HASH }],
  ];
  it.each(changes)('changes when the %s changes', (_, change) => {
    expect(linkHash(link(change)).equals(linkHash(link()))).toBe(false);
  });

  it('does not depend on the key order of details, as jsonb returns them reordered', () => {
    const a = link({
      details: { name: 'n', keyId: 'k', nested: { b: 1, a: [2, { y: 1, x: 0 }] } },
    });
    const b = link({
      details: { nested: { a: [2, { x: 0, y: 1 }], b: 1 }, keyId: 'k', name: 'n' },
    });
    expect(linkHash(a).equals(linkHash(b))).toBe(true);
  });

  it('keeps field boundaries: moving text between roles does not collide', () => {
    expect(
      linkHash(link({ roles: ['ab', 'c'] })).equals(linkHash(link({ roles: ['a', 'bc'] }))),
    ).toBe(false);
    expect(linkHash(link({ roles: ['a,b'] })).equals(linkHash(link({ roles: ['a', 'b'] })))).toBe(
      false,
    );
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[true,null]},"b":1}',
    );
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe('normalizeEvent', () => {
  const event: AuditEvent = {
    tenantId: TENANT.toUpperCase(),
    action: 'detokenize',
    apiKeyId: KEY,
    roles: ['support'],
  };

  it('keeps milliseconds, which timestamptz stores and returns exactly', () => {
    const at = new Date('2026-11-23T12:00:00.987Z');
    expect(normalizeEvent(event, at).occurredAt).toBe('2026-11-23T12:00:00.987Z');
  });

  it('lower-cases uuids as PostgreSQL returns them and defaults purpose and details', () => {
    const normalized = normalizeEvent(event, new Date());
    expect(normalized.tenantId).toBe(TENANT);
    expect(normalized.purpose).toBeNull();
    expect(normalized.details).toEqual({});
  });

  it('replaces text PostgreSQL cannot store (NUL, lone surrogates) before hashing', () => {
    const normalized = normalizeEvent(
      { ...event, purpose: 'a\u0000b\uD800c', details: { ['k\u0000']: 'x\uDC00', ok: '😀' } },
      new Date(),
    );
    expect(normalized.purpose).toBe('a\uFFFDb\uFFFDc');
    expect(normalized.details).toEqual({ ['k\uFFFD']: 'x\uFFFD', ok: '😀' });
  });

  it('drops undefined members of details, as jsonb would', () => {
    const normalized = normalizeEvent(
      { ...event, details: { keep: 1, drop: undefined } },
      new Date(),
    );
    expect(normalized.details).toEqual({ keep: 1 });
    expect(Object.keys(normalized.details)).toEqual(['keep']);
  });

  it('rejects a malformed tenant or key id before it can fail a whole batch', () => {
    expect(() => normalizeEvent({ ...event, tenantId: 'acme' }, new Date())).toThrow(/tenantId/);
    expect(() => normalizeEvent({ ...event, apiKeyId: 'k1' }, new Date())).toThrow(/apiKeyId/);
  });
});
