import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { changedRows, selectRows } from '../common/sql';
import type { EncryptedValue } from '../crypto/vault-cipher.service';

/** A saved connection as listed: its URL stays sealed and is never part of it. */
export interface StoredConnection {
  id: string;
  name: string;
  target: string;
  createdAt: Date;
}

export interface NewConnection {
  id: string;
  tenantId: string;
  name: string;
  /** `host:port/database`, no credentials. */
  target: string;
  url: EncryptedValue;
  createdBy: string;
}

interface ConnectionRow {
  id: string;
  name: string;
  target: string;
  created_at: Date;
}

interface SealedUrlRow {
  id: string;
  url_ciphertext: Buffer;
  url_iv: Buffer;
  url_auth_tag: Buffer;
  key_version: number;
}

/** SQL for the discovery_connections table: saved scan targets, URL sealed per tenant. */
@Injectable()
export class ConnectionsRepository {
  constructor(private readonly db: DataSource) {}

  /** Saves the connection; undefined when the tenant already has one by that name. */
  async insert(connection: NewConnection): Promise<StoredConnection | undefined> {
    const rows = await selectRows<ConnectionRow>(
      this.db,
      `INSERT INTO discovery_connections
         (id, tenant_id, name, target, url_ciphertext, url_iv, url_auth_tag, key_version, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, name) DO NOTHING
       RETURNING id, name, target, created_at`,
      [
        connection.id,
        connection.tenantId,
        connection.name,
        connection.target,
        connection.url.ciphertext,
        connection.url.iv,
        connection.url.tag,
        connection.url.keyVersion,
        connection.createdBy,
      ],
    );
    return rows[0] && toStored(rows[0]);
  }

  /** The tenant's connections by name. */
  async list(tenantId: string): Promise<StoredConnection[]> {
    const rows = await selectRows<ConnectionRow>(
      this.db,
      `SELECT id, name, target, created_at FROM discovery_connections WHERE tenant_id = $1 ORDER BY name`,
      [tenantId],
    );
    return rows.map(toStored);
  }

  /** Deletes the named connection; its id, or undefined when the tenant had none by that name. */
  async delete(tenantId: string, name: string): Promise<string | undefined> {
    const rows = await changedRows<{ id: string }>(
      this.db,
      `DELETE FROM discovery_connections WHERE tenant_id = $1 AND name = $2 RETURNING id`,
      [tenantId, name],
    );
    return rows[0]?.id;
  }

  /** The named connection's id and sealed URL. */
  async sealedUrl(
    tenantId: string,
    name: string,
  ): Promise<{ id: string; url: EncryptedValue } | undefined> {
    const rows = await selectRows<SealedUrlRow>(
      this.db,
      `SELECT id, url_ciphertext, url_iv, url_auth_tag, key_version
         FROM discovery_connections WHERE tenant_id = $1 AND name = $2`,
      [tenantId, name],
    );
    const row = rows[0];
    return (
      row && {
        id: row.id,
        url: {
          ciphertext: row.url_ciphertext,
          iv: row.url_iv,
          tag: row.url_auth_tag,
          keyVersion: row.key_version,
        },
      }
    );
  }
}

function toStored(row: ConnectionRow): StoredConnection {
  return { id: row.id, name: row.name, target: row.target, createdAt: row.created_at };
}
