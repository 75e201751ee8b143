import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { changedCount, changedRows, namedStatement, selectRows } from '../common/sql';
import type { EncryptedValue } from '../crypto/vault-cipher.service';
import { TokenLookup } from './token-lookup';

export interface NewVaultEntry extends EncryptedValue {
  token: string;
  entityType: string;
  blindIndex: Buffer;
  expiresAt: Date | null;
}

export interface StoredVaultEntry {
  token: string;
  entityType: string;
  expiresAt: Date | null;
  /** Null once an expired entry's ciphertext is purged. */
  sealed: EncryptedValue | null;
}

interface TokenRow {
  entity_type: string;
  blind_index: Buffer;
  token: string;
}

interface EntryRow {
  token: string;
  entity_type: string;
  ciphertext: Buffer | null;
  iv: Buffer | null;
  auth_tag: Buffer | null;
  key_version: number;
  expires_at: Date | null;
}

/** Key of a value in the vault: its type and blind index (hex), within one tenant and scope. */
export const valueKey = (entityType: string, blindIndex: Buffer): string =>
  `${entityType}:${blindIndex.toString('hex')}`;

/**
 * One probe of the unique value index per looked-up key (tenant $1, scope $2, k = the key). A
 * lateral subquery with LIMIT cannot be flattened into a join, so the planner cannot trade the
 * probes for a scan of the tenant's rows when its statistics are stale: lookups stay
 * constant-time as the vault grows.
 */
const LIVE_ENTRY_PROBE = `
  SELECT e.entity_type, e.blind_index, e.token FROM vault_entries e
   WHERE e.tenant_id = $1 AND e.blind_index = k.blind_index AND e.entity_type = k.entity_type
     AND e.scope = $2 AND (e.expires_at IS NULL OR e.expires_at > now())
   LIMIT 1`;

/** SQL for the vault_entries table; every statement is one round trip and autocommits. */
@Injectable()
export class VaultRepository {
  /** Lookups of requests that arrive together share one statement per tenant (token-lookup.ts). */
  private readonly lookups = new TokenLookup<StoredVaultEntry>((tenantId, tokens) =>
    this.selectByTokens(tenantId, tokens),
  );

  constructor(private readonly db: DataSource) {}

  /** Tokens already issued for these (type, blind index) pairs, keyed by valueKey. */
  async findTokens(
    tenantId: string,
    scope: string,
    keys: readonly { entityType: string; blindIndex: Buffer }[],
  ): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await selectRows<TokenRow>(
      this.db,
      `SELECT v.entity_type, v.blind_index, v.token
         FROM unnest($3::text[], $4::bytea[]) AS k(entity_type, blind_index)
         CROSS JOIN LATERAL (${LIVE_ENTRY_PROBE}) v`,
      [tenantId, scope, keys.map((k) => k.entityType), keys.map((k) => k.blindIndex)],
    );
    return new Map(rows.map((r) => [valueKey(r.entity_type, r.blind_index), r.token]));
  }

  /**
   * One round trip for the common case: inserts the entries whose value is new and returns the
   * token of every entry, new or already stored. A value a concurrent request committed after this
   * statement's snapshot is in neither half; the caller re-reads it with findTokens.
   * A clash on the random token itself raises unique_violation on vault_entries_token_uq.
   */
  async upsert(
    tenantId: string,
    scope: string,
    entries: readonly NewVaultEntry[],
  ): Promise<Map<string, string>> {
    if (entries.length === 0) return new Map();
    const rows = await selectRows<TokenRow>(
      namedStatement(this.db, 'vault-upsert-v1'),
      `WITH inserted AS (
         INSERT INTO vault_entries
                (tenant_id, scope, token, entity_type, blind_index, ciphertext, iv, auth_tag, key_version, expires_at)
         SELECT $1, $2, e.token, e.entity_type, e.blind_index, e.ciphertext, e.iv, e.auth_tag, e.key_version, e.expires_at
           FROM unnest($3::text[], $4::text[], $5::bytea[], $6::bytea[], $7::bytea[], $8::bytea[], $9::int[],
                       $10::timestamptz[])
                AS e(token, entity_type, blind_index, ciphertext, iv, auth_tag, key_version, expires_at)
         ON CONFLICT (tenant_id, entity_type, scope, blind_index) DO NOTHING
         RETURNING entity_type, blind_index, token)
       SELECT entity_type, blind_index, token FROM inserted
       UNION ALL
       SELECT v.entity_type, v.blind_index, v.token
         FROM unnest($4::text[], $5::bytea[]) AS k(entity_type, blind_index)
         CROSS JOIN LATERAL (${LIVE_ENTRY_PROBE}) v`,
      [tenantId, scope, ...entryColumns(entries)],
    );
    return new Map(rows.map((r) => [valueKey(r.entity_type, r.blind_index), r.token]));
  }

  /**
   * Gives values whose entry expired a fresh token and ciphertext (the old token then answers
   * unknown). Kept out of upsert: ON CONFLICT DO UPDATE would lock every live row it meets, and
   * popular values would serialise all requests on their row locks.
   */
  async renewExpired(
    tenantId: string,
    scope: string,
    entries: readonly NewVaultEntry[],
  ): Promise<Map<string, string>> {
    if (entries.length === 0) return new Map();
    const rows = await changedRows<TokenRow>(
      this.db,
      `UPDATE vault_entries v
          SET token = e.token, ciphertext = e.ciphertext, iv = e.iv, auth_tag = e.auth_tag,
              key_version = e.key_version, expires_at = e.expires_at, purged_at = NULL, created_at = now()
         FROM unnest($3::text[], $4::text[], $5::bytea[], $6::bytea[], $7::bytea[], $8::bytea[], $9::int[],
                     $10::timestamptz[])
              AS e(token, entity_type, blind_index, ciphertext, iv, auth_tag, key_version, expires_at)
        WHERE v.tenant_id = $1 AND v.scope = $2 AND v.entity_type = e.entity_type
          AND v.blind_index = e.blind_index AND v.expires_at <= now()
        RETURNING v.entity_type, v.blind_index, v.token`,
      [tenantId, scope, ...entryColumns(entries)],
    );
    return new Map(rows.map((r) => [valueKey(r.entity_type, r.blind_index), r.token]));
  }

  /** The tenant's vault entries of these tokens, keyed by token (unknown tokens are absent). */
  findByTokens(
    tenantId: string,
    tokens: readonly string[],
  ): Promise<Map<string, StoredVaultEntry>> {
    return this.lookups.find(tenantId, tokens);
  }

  private async selectByTokens(
    tenantId: string,
    tokens: readonly string[],
  ): Promise<Map<string, StoredVaultEntry>> {
    const rows = await selectRows<EntryRow>(
      namedStatement(this.db, 'vault-find-by-tokens-v1'),
      `SELECT token, entity_type, ciphertext, iv, auth_tag, key_version, expires_at
         FROM vault_entries WHERE tenant_id = $1 AND token = ANY($2::text[])`,
      [tenantId, tokens],
    );
    return new Map(
      rows.map((r) => [
        r.token,
        {
          token: r.token,
          entityType: r.entity_type,
          expiresAt: r.expires_at,
          sealed:
            r.ciphertext && r.iv && r.auth_tag
              ? { ciphertext: r.ciphertext, iv: r.iv, tag: r.auth_tag, keyVersion: r.key_version }
              : null,
        },
      ]),
    );
  }
  /** Deletes a value's entries in every scope, found by blind index (forgetting a subject). */
  async deleteValues(
    tenantId: string,
    keys: readonly { entityType: string; blindIndex: Buffer }[],
  ): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await changedRows<{ entity_type: string }>(
      this.db,
      `DELETE FROM vault_entries v
        USING unnest($2::text[], $3::bytea[]) AS k(entity_type, blind_index)
        WHERE v.tenant_id = $1 AND v.entity_type = k.entity_type AND v.blind_index = k.blind_index
        RETURNING v.entity_type`,
      [tenantId, keys.map((k) => k.entityType), keys.map((k) => k.blindIndex)],
    );
    return rows.map((r) => r.entity_type);
  }

  /** The type and blind index behind a token, to forget its value. */
  async valueKeyOfToken(
    tenantId: string,
    token: string,
  ): Promise<{ entityType: string; blindIndex: Buffer } | undefined> {
    const rows = await selectRows<{ entity_type: string; blind_index: Buffer }>(
      this.db,
      `SELECT entity_type, blind_index FROM vault_entries WHERE tenant_id = $1 AND token = $2`,
      [tenantId, token],
    );
    return rows[0] && { entityType: rows[0].entity_type, blindIndex: rows[0].blind_index };
  }

  /** Drops the ciphertext of expired entries (the token stays, answering "expired"). */
  async purgeExpired(batch = 1000): Promise<number> {
    return changedCount(
      this.db,
      `UPDATE vault_entries SET ciphertext = NULL, iv = NULL, auth_tag = NULL, purged_at = now()
        WHERE (tenant_id, id) IN (SELECT tenant_id, id FROM vault_entries
                      WHERE expires_at <= now() AND purged_at IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [batch],
    );
  }
}

/** The unnest() columns of new entries, in the order upsert and renewExpired read them. */
function entryColumns(entries: readonly NewVaultEntry[]): unknown[] {
  return [
    entries.map((e) => e.token),
    entries.map((e) => e.entityType),
    entries.map((e) => e.blindIndex),
    entries.map((e) => e.ciphertext),
    entries.map((e) => e.iv),
    entries.map((e) => e.tag),
    entries.map((e) => e.keyVersion),
    entries.map((e) => e.expiresAt),
  ];
}

/** True when a driver error is a unique violation on the token column (a random token clash). */
export function isTokenClash(error: unknown): boolean {
  const driver = ((error as { driverError?: unknown }).driverError ?? error) as {
    code?: string;
    constraint?: string;
  };
  return driver.code === '23505' && driver.constraint === 'vault_entries_token_uq';
}
