import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import { registerErrorClass } from '../common/error-registry';
import { ErrorCode } from '../common/errors';
import { associatedData, DecryptionError, open, seal } from './aead';
import { MASTER_KEY } from './crypto.tokens';
import { KeyringRepository, type KeyPurpose, type WrappedTenantKey } from './keyring.repository';
import type { MasterKey } from './master-key';

export type { KeyPurpose } from './keyring.repository';

export interface TenantKey {
  version: number;
  key: Buffer;
}

/** The master key does not unwrap this tenant's keys: fail closed, never fall back. */
export class KeyUnavailableError extends Error {
  constructor() {
    super('tenant key unavailable');
  }
}

registerErrorClass(
  KeyUnavailableError,
  ErrorCode.KeyUnavailable,
  'The vault key for this tenant is unavailable',
);

/** How long the active data-key version is trusted before re-reading (rotation by a replica). */
const ACTIVE_VERSION_TTL_MS = 30_000;
/**
 * Unwrapped keys held in memory: the least recently used beyond this many are dropped, and none is
 * kept longer than an hour unused-or-not (a key version never changes, so this only bounds how long
 * key material lingers; re-reading costs one query and one unwrap).
 */
const UNWRAPPED_KEYS = 10_000;
const UNWRAPPED_TTL_MS = 60 * 60_000;
const ACTIVE_VERSIONS = 10_000;

/**
 * Per-tenant keys, created on first use, stored wrapped by the master key and cached unwrapped in
 * memory. The newest 'data' version encrypts; every version stays available to decrypt.
 */
@Injectable()
export class KeyringService {
  private readonly unwrapped = new LRUCache<string, Buffer>({
    max: UNWRAPPED_KEYS,
    ttl: UNWRAPPED_TTL_MS,
  });
  private readonly active = new LRUCache<string, number>({
    max: ACTIVE_VERSIONS,
    ttl: ACTIVE_VERSION_TTL_MS,
  });

  constructor(
    private readonly repository: KeyringRepository,
    @Inject(MASTER_KEY) private readonly master: MasterKey,
  ) {}

  async activeDataKey(tenantId: string): Promise<TenantKey> {
    const cached = this.active.get(tenantId);
    if (cached !== undefined) {
      return { version: cached, key: await this.key(tenantId, 'data', cached) };
    }
    const version =
      (await this.repository.latestVersion(tenantId, 'data')) ??
      (await this.createKey(tenantId, 'data', 1));
    this.active.set(tenantId, version);
    return { version, key: await this.key(tenantId, 'data', version) };
  }

  dataKey(tenantId: string, version: number): Promise<Buffer> {
    return this.key(tenantId, 'data', version);
  }

  async blindIndexKey(tenantId: string): Promise<Buffer> {
    const cacheKey = `${tenantId}/blind_index/1`;
    const hit = this.unwrapped.get(cacheKey);
    if (hit) return hit;
    const existing = await this.repository.find(tenantId, 'blind_index', 1);
    if (!existing) await this.createKey(tenantId, 'blind_index', 1);
    return this.key(tenantId, 'blind_index', 1);
  }

  /** Adds a new data-key version that encrypts from now on; older versions still decrypt. */
  async rotateDataKey(tenantId: string): Promise<number> {
    const latest = await this.repository.latestVersion(tenantId, 'data');
    const version = await this.createKey(tenantId, 'data', (latest ?? 0) + 1);
    this.active.delete(tenantId);
    return version;
  }

  private async key(tenantId: string, purpose: KeyPurpose, version: number): Promise<Buffer> {
    const cacheKey = `${tenantId}/${purpose}/${version}`;
    const hit = this.unwrapped.get(cacheKey);
    if (hit) return hit;
    const row = await this.repository.find(tenantId, purpose, version);
    if (!row) throw new KeyUnavailableError();
    const key = this.unwrap(tenantId, purpose, row);
    this.unwrapped.set(cacheKey, key);
    return key;
  }

  private unwrap(tenantId: string, purpose: KeyPurpose, row: WrappedTenantKey): Buffer {
    if (row.masterKeyId !== this.master.id) throw new KeyUnavailableError();
    try {
      return open(
        this.master.key,
        { ciphertext: row.wrappedKey, iv: row.iv, tag: row.tag },
        associatedData('tenant-key', tenantId, purpose, String(row.version)),
      );
    } catch (error) {
      if (error instanceof DecryptionError) throw new KeyUnavailableError();
      throw error;
    }
  }

  /** Inserts a fresh wrapped key; a concurrent creator of the same version wins harmlessly. */
  private async createKey(tenantId: string, purpose: KeyPurpose, version: number): Promise<number> {
    const sealed = seal(
      this.master.key,
      randomBytes(32),
      associatedData('tenant-key', tenantId, purpose, String(version)),
    );
    await this.repository.insert(tenantId, purpose, {
      version,
      wrappedKey: sealed.ciphertext,
      iv: sealed.iv,
      tag: sealed.tag,
      masterKeyId: this.master.id,
    });
    return version;
  }
}
