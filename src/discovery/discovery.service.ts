import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { ErrorCode, VaultError } from '../common/errors';
import { SecretCipherService } from '../crypto/secret-cipher.service';
import { ConnectionsRepository, type StoredConnection } from './connections.repository';
import { DEFAULT_THRESHOLDS, type ClassificationThresholds } from './column-classifier';
import { type ColumnFinding, columnFindings } from './column-findings';
import { ScanJobs } from './scan-jobs';
import { SCAN_URL_KIND } from './scan-runner';
import { ScanStore, type ScanRecord, type ScanTableRecord, type ScanStatus } from './scan-store';
import type { ScanMode } from './table-scanner';
import { TargetError } from './target-error';
import { describeConnection, parseTargetUrl } from './target-url';

const CONNECTION_URL_KIND = 'discovery-connection';
export const DEFAULT_SAMPLE_ROWS = 1000;

export interface ScanRequest {
  connection: { url?: string; name?: string };
  schemas?: string[];
  tables?: string[];
  sampleRows?: number;
  mode?: ScanMode;
  thresholds?: Partial<ClassificationThresholds>;
}

export interface ScanView {
  id: string;
  status: ScanStatus;
  mode: ScanMode;
  target: string;
  connection: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { reason: string; message: string } | null;
  progress: { tablesDone: number; tablesTotal: number | null; rowsScanned: number };
  tables: {
    schema: string;
    table: string;
    rowsScanned: number;
    done: boolean;
    note: string | null;
  }[];
  columns: ColumnFinding[];
}

export interface ConnectionView {
  id: string;
  name: string;
  target: string;
  createdAt: string;
}

/** Starts, shows and cancels scans; keeps saved connections, whose URLs never leave encrypted. */
@Injectable()
export class DiscoveryService {
  constructor(
    private readonly store: ScanStore,
    private readonly jobs: ScanJobs,
    private readonly secrets: SecretCipherService,
    private readonly audit: AuditService,
    private readonly connectionRows: ConnectionsRepository,
  ) {}

  async startScan(principal: Principal, request: ScanRequest): Promise<{ id: string }> {
    const { url, connectionName } = await this.resolveTarget(
      principal.tenantId,
      request.connection,
    );
    // A URL is checked when the scan is asked for: only its allowed fields reach a connection.
    const target = describedUrl(url, connectionName ? 'connection.name' : 'connection.url');
    const id = randomUUID();
    const sealed = await this.secrets.encrypt(principal.tenantId, SCAN_URL_KIND, id, url);
    const mode = request.mode ?? 'sample';
    await this.store.create({
      id,
      tenantId: principal.tenantId,
      connectionName,
      target,
      url: sealed,
      mode,
      sampleRows: request.sampleRows ?? DEFAULT_SAMPLE_ROWS,
      schemas: request.schemas ?? null,
      tables: request.tables ?? null,
      thresholds: { ...DEFAULT_THRESHOLDS, ...request.thresholds },
      createdBy: principal.keyId,
    });
    await this.audit.record({
      tenantId: principal.tenantId,
      action: 'discovery.scan',
      apiKeyId: principal.keyId,
      roles: principal.roles,
      details: { scanId: id, target, connection: connectionName, mode },
    });
    try {
      await this.jobs.enqueue(id);
    } catch (error) {
      await this.store.fail(id, 'internal_error', 'the scan could not be queued');
      throw error;
    }
    return { id };
  }

  async listScans(principal: Principal, limit: number): Promise<ScanView[]> {
    const scans = await this.store.list(principal.tenantId, limit);
    return scans.map((s) => toView(s, []));
  }

  async scan(principal: Principal, id: string): Promise<ScanView> {
    const scan = await this.store.find(id, principal.tenantId);
    if (!scan) throw new VaultError(ErrorCode.NotFound, 'no such scan');
    return toView(scan, await this.store.tables(id));
  }

  async cancel(principal: Principal, id: string): Promise<ScanView> {
    const scan = await this.store.find(id, principal.tenantId);
    if (!scan) throw new VaultError(ErrorCode.NotFound, 'no such scan');
    if (!(await this.store.cancel(id, principal.tenantId)))
      throw new VaultError(ErrorCode.Conflict, `the scan already ended as ${scan.status}`);
    await this.audit.record({
      tenantId: principal.tenantId,
      action: 'discovery.cancel',
      apiKeyId: principal.keyId,
      roles: principal.roles,
      details: { scanId: id },
    });
    return this.scan(principal, id);
  }

  async saveConnection(principal: Principal, name: string, url: string): Promise<ConnectionView> {
    const target = describedUrl(url, 'url');
    const id = randomUUID();
    const sealed = await this.secrets.encrypt(principal.tenantId, CONNECTION_URL_KIND, id, url);
    const saved = await this.connectionRows.insert({
      id,
      tenantId: principal.tenantId,
      name,
      target,
      url: sealed,
      createdBy: principal.keyId,
    });
    if (!saved)
      throw new VaultError(ErrorCode.Conflict, `a connection named ${name} already exists`);
    await this.audit.record({
      tenantId: principal.tenantId,
      action: 'discovery.connection.create',
      apiKeyId: principal.keyId,
      roles: principal.roles,
      details: { connectionId: id, name, target },
    });
    return toConnectionView(saved);
  }

  async connections(principal: Principal): Promise<ConnectionView[]> {
    return (await this.connectionRows.list(principal.tenantId)).map(toConnectionView);
  }

  async deleteConnection(principal: Principal, name: string): Promise<void> {
    const deletedId = await this.connectionRows.delete(principal.tenantId, name);
    if (deletedId === undefined) throw new VaultError(ErrorCode.NotFound, 'no such connection');
    await this.audit.record({
      tenantId: principal.tenantId,
      action: 'discovery.connection.delete',
      apiKeyId: principal.keyId,
      roles: principal.roles,
      details: { connectionId: deletedId, name },
    });
  }

  private async resolveTarget(
    tenantId: string,
    connection: ScanRequest['connection'],
  ): Promise<{ url: string; connectionName: string | null }> {
    if (connection.url !== undefined) return { url: connection.url, connectionName: null };
    const saved =
      connection.name === undefined
        ? undefined
        : await this.connectionRows.sealedUrl(tenantId, connection.name);
    if (!saved)
      throw new VaultError(
        ErrorCode.NotFound,
        'connection.name: no saved connection has this name',
      );
    const url = await this.secrets.decrypt(tenantId, CONNECTION_URL_KIND, saved.id, saved.url);
    return { url, connectionName: connection.name ?? null };
  }
}

/** The URL's target (`host:port/database`), or 400 naming what the URL may not hold. */
function describedUrl(url: string, field: string): string {
  try {
    return describeConnection(parseTargetUrl(url));
  } catch (error) {
    if (error instanceof TargetError)
      throw new VaultError(ErrorCode.InvalidRequest, `${field}: ${error.message}`);
    throw error;
  }
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const toConnectionView = (c: StoredConnection): ConnectionView => ({
  id: c.id,
  name: c.name,
  target: c.target,
  createdAt: c.createdAt.toISOString(),
});

function toView(scan: ScanRecord, tables: readonly ScanTableRecord[]): ScanView {
  return {
    id: scan.id,
    status: scan.status,
    mode: scan.mode,
    target: scan.target,
    connection: scan.connectionName,
    createdAt: scan.createdAt.toISOString(),
    startedAt: iso(scan.startedAt),
    finishedAt: iso(scan.finishedAt),
    error:
      scan.status === 'failed'
        ? { reason: scan.failureReason ?? 'target_error', message: scan.failureMessage ?? '' }
        : null,
    progress: {
      tablesDone: scan.tablesDone,
      tablesTotal: scan.tablesTotal,
      rowsScanned: scan.rowsScanned,
    },
    tables: tables.map((t) => ({
      schema: t.schema,
      table: t.table,
      rowsScanned: t.cursor.rowsScanned,
      done: t.cursor.done,
      note: t.note,
    })),
    columns: tables.flatMap((t) => columnFindings(t, scan.thresholds)),
  };
}
