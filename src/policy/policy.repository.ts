import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { selectRows } from '../common/sql';
import type { PolicyDocument } from './policy-document';

/** One stored version of a named policy; a null document records a deletion. */
export interface PolicyVersion {
  name: string;
  version: number;
  document: PolicyDocument | null;
  createdAt: string;
  createdBy: string | null;
}

/** The latest version of a named policy; a null document is a deleted or absent policy. */
export interface StoredPolicy {
  document: PolicyDocument | null;
  version: number | null;
}

interface PolicyRow {
  name: string;
  version: number;
  document: PolicyDocument | null;
  created_at: Date;
  created_by: string | null;
}

const VERSION_COLUMNS = 'name, version, document, created_at, created_by';
const MAX_WRITE_ATTEMPTS = 3;

/** SQL for the policies table: an append-only log of versions per (tenant, name). */
@Injectable()
export class PolicyRepository {
  constructor(private readonly db: DataSource) {}

  /** The latest version of each of the tenant's policies that is not deleted. */
  async listCurrent(tenantId: string): Promise<PolicyVersion[]> {
    const rows = await selectRows<PolicyRow>(
      this.db,
      `SELECT DISTINCT ON (name) ${VERSION_COLUMNS}
         FROM policies WHERE tenant_id = $1 ORDER BY name, version DESC`,
      [tenantId],
    );
    return rows.filter((r) => r.document !== null).map(toVersion);
  }

  /** The given version of a policy, or its latest (deleted or not) when none is given. */
  async find(tenantId: string, name: string, version?: number): Promise<PolicyVersion | undefined> {
    const rows = await selectRows<PolicyRow>(
      this.db,
      `SELECT ${VERSION_COLUMNS} FROM policies
        WHERE tenant_id = $1 AND name = $2 AND ($3::int IS NULL OR version = $3::int)
        ORDER BY version DESC LIMIT 1`,
      [tenantId, name, version ?? null],
    );
    return rows[0] && toVersion(rows[0]);
  }

  /** Every version of a policy, oldest first. */
  async versions(tenantId: string, name: string): Promise<PolicyVersion[]> {
    const rows = await selectRows<PolicyRow>(
      this.db,
      `SELECT ${VERSION_COLUMNS} FROM policies
        WHERE tenant_id = $1 AND name = $2 ORDER BY version`,
      [tenantId, name],
    );
    return rows.map(toVersion);
  }

  /** The latest document and version only (what resolving a request's policy needs). */
  async latest(tenantId: string, name: string): Promise<StoredPolicy> {
    const rows = await selectRows<Pick<PolicyRow, 'document' | 'version'>>(
      this.db,
      `SELECT document, version FROM policies WHERE tenant_id = $1 AND name = $2
        ORDER BY version DESC LIMIT 1`,
      [tenantId, name],
    );
    return { document: rows[0]?.document ?? null, version: rows[0]?.version ?? null };
  }

  /**
   * Adds the next version (null: a deletion). Two concurrent writers of one name meet on the
   * primary key; the loser retries with the next number.
   */
  async append(
    tenantId: string,
    name: string,
    document: PolicyDocument | null,
    createdBy: string,
  ): Promise<PolicyVersion> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await selectRows<PolicyRow>(
          this.db,
          `INSERT INTO policies (tenant_id, name, version, document, created_by)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3::jsonb, $4
             FROM policies WHERE tenant_id = $1 AND name = $2
           RETURNING ${VERSION_COLUMNS}`,
          [tenantId, name, document === null ? null : JSON.stringify(document), createdBy],
        );
        return toVersion(rows[0]);
      } catch (error) {
        const code = (
          (error as { driverError?: { code?: string } }).driverError ?? (error as { code?: string })
        ).code;
        if (code !== '23505' || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }
}

function toVersion(row: PolicyRow): PolicyVersion {
  return {
    name: row.name,
    version: row.version,
    document: row.document,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}
