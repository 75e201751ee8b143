import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { selectRows } from '../common/sql';

export type KeyPurpose = 'data' | 'blind_index';

/** A tenant key as stored: wrapped (AES-256-GCM) by the master key named by `masterKeyId`. */
export interface WrappedTenantKey {
  version: number;
  wrappedKey: Buffer;
  iv: Buffer;
  tag: Buffer;
  masterKeyId: string;
}

interface TenantKeyRow {
  version: number;
  wrapped_key: Buffer;
  wrap_iv: Buffer;
  wrap_tag: Buffer;
  master_key_id: string;
}

/** SQL for the tenant_keys table: one row per (tenant, purpose, version), never updated. */
@Injectable()
export class KeyringRepository {
  constructor(private readonly db: DataSource) {}

  async find(
    tenantId: string,
    purpose: KeyPurpose,
    version: number,
  ): Promise<WrappedTenantKey | undefined> {
    const rows = await selectRows<TenantKeyRow>(
      this.db,
      `SELECT version, wrapped_key, wrap_iv, wrap_tag, master_key_id FROM tenant_keys
        WHERE tenant_id = $1 AND purpose = $2 AND version = $3`,
      [tenantId, purpose, version],
    );
    const row = rows[0];
    return (
      row && {
        version: row.version,
        wrappedKey: row.wrapped_key,
        iv: row.wrap_iv,
        tag: row.wrap_tag,
        masterKeyId: row.master_key_id,
      }
    );
  }

  /** The newest version of the purpose's key, or null when the tenant has none yet. */
  async latestVersion(tenantId: string, purpose: KeyPurpose): Promise<number | null> {
    const rows = await selectRows<{ version: number | null }>(
      this.db,
      `SELECT max(version) AS version FROM tenant_keys WHERE tenant_id = $1 AND purpose = $2`,
      [tenantId, purpose],
    );
    return rows[0]?.version ?? null;
  }

  /** Inserts a wrapped key; a concurrent creator of the same version wins harmlessly. */
  async insert(tenantId: string, purpose: KeyPurpose, key: WrappedTenantKey): Promise<void> {
    await this.db.query(
      `INSERT INTO tenant_keys (tenant_id, purpose, version, wrapped_key, wrap_iv, wrap_tag, master_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [tenantId, purpose, key.version, key.wrappedKey, key.iv, key.tag, key.masterKeyId],
    );
  }
}
