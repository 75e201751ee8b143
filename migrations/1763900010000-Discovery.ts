import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Discovery: saved connections (URL encrypted under the tenant's data key), scans with their
 * progress, per-table cursors and per-column counts. Nothing here holds a value read from a
 * target: cursors are heap block numbers, findings are counts.
 */
export class Discovery1763900010000 implements MigrationInterface {
  name = 'Discovery1763900010000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE discovery_connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        target text NOT NULL,
        url_ciphertext bytea NOT NULL,
        url_iv bytea NOT NULL,
        url_auth_tag bytea NOT NULL,
        key_version integer NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`);
    await q.query(`
      CREATE TABLE discovery_scans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        connection_name text,
        target text NOT NULL,
        url_ciphertext bytea NOT NULL,
        url_iv bytea NOT NULL,
        url_auth_tag bytea NOT NULL,
        key_version integer NOT NULL,
        mode text NOT NULL CHECK (mode IN ('sample', 'full')),
        sample_rows integer NOT NULL CHECK (sample_rows > 0),
        schemas text[],
        tables text[],
        thresholds jsonb NOT NULL,
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        failure_reason text,
        failure_message text,
        tables_total integer,
        tables_done integer NOT NULL DEFAULT 0,
        rows_scanned bigint NOT NULL DEFAULT 0,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX discovery_scans_tenant_idx ON discovery_scans (tenant_id, created_at DESC)`,
    );
    await q.query(`
      CREATE TABLE discovery_scan_tables (
        scan_id uuid NOT NULL REFERENCES discovery_scans(id) ON DELETE CASCADE,
        ordinal integer NOT NULL,
        schema_name text NOT NULL,
        table_name text NOT NULL,
        readable boolean NOT NULL,
        estimated_rows double precision NOT NULL,
        columns jsonb NOT NULL,
        done boolean NOT NULL DEFAULT false,
        next_block bigint NOT NULL DEFAULT 0,
        total_blocks bigint,
        rows_scanned bigint NOT NULL DEFAULT 0,
        note text,
        PRIMARY KEY (scan_id, ordinal)
      )`);
    await q.query(`
      CREATE TABLE discovery_scan_columns (
        scan_id uuid NOT NULL,
        table_ordinal integer NOT NULL,
        column_name text NOT NULL,
        counts jsonb NOT NULL,
        PRIMARY KEY (scan_id, table_ordinal, column_name),
        FOREIGN KEY (scan_id, table_ordinal)
          REFERENCES discovery_scan_tables(scan_id, ordinal) ON DELETE CASCADE
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE discovery_scan_columns`);
    await q.query(`DROP TABLE discovery_scan_tables`);
    await q.query(`DROP TABLE discovery_scans`);
    await q.query(`DROP TABLE discovery_connections`);
  }
}
