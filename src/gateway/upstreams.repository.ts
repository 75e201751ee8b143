import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { selectRows } from '../common/sql';
import type { EncryptedValue } from '../crypto/vault-cipher.service';

/** A tenant's upstream as stored: its host in clear, URL and API key sealed together. */
export interface StoredUpstream {
  host: string;
  sealed: EncryptedValue;
}

interface UpstreamRow {
  host: string;
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  key_version: number;
}

/** SQL for the gateway_upstreams table: at most one upstream per tenant. */
@Injectable()
export class UpstreamsRepository {
  constructor(private readonly db: DataSource) {}

  /** The host of the tenant's upstream, without unsealing anything. */
  async host(tenantId: string): Promise<string | undefined> {
    const rows = await selectRows<{ host: string }>(
      this.db,
      `SELECT host FROM gateway_upstreams WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]?.host;
  }

  async find(tenantId: string): Promise<StoredUpstream | undefined> {
    const rows = await selectRows<UpstreamRow>(
      this.db,
      `SELECT host, ciphertext, iv, auth_tag, key_version FROM gateway_upstreams WHERE tenant_id = $1`,
      [tenantId],
    );
    const row = rows[0];
    return (
      row && {
        host: row.host,
        sealed: {
          ciphertext: row.ciphertext,
          iv: row.iv,
          tag: row.auth_tag,
          keyVersion: row.key_version,
        },
      }
    );
  }

  /** Sets the tenant's upstream, replacing the one it had. */
  async upsert(tenantId: string, upstream: StoredUpstream): Promise<void> {
    const { sealed } = upstream;
    await this.db.query(
      `INSERT INTO gateway_upstreams (tenant_id, host, ciphertext, iv, auth_tag, key_version)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id) DO UPDATE SET host = EXCLUDED.host, ciphertext = EXCLUDED.ciphertext,
         iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag, key_version = EXCLUDED.key_version,
         updated_at = now()`,
      [tenantId, upstream.host, sealed.ciphertext, sealed.iv, sealed.tag, sealed.keyVersion],
    );
  }

  async delete(tenantId: string): Promise<void> {
    await this.db.query(`DELETE FROM gateway_upstreams WHERE tenant_id = $1`, [tenantId]);
  }
}
