import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BatchDetector } from './batch-detector';
import { SecretCipherService } from '../crypto/secret-cipher.service';
import {
  DISCOVERY_DETECTOR,
  DISCOVERY_SETTINGS,
  type DiscoverySettings,
} from './discovery.settings';
import { ScanStore, type ScanRecord } from './scan-store';
import { TableScanner } from './table-scanner';
import { TargetDatabase, TargetError } from './target-database';

export const SCAN_URL_KIND = 'discovery-scan';

export type SliceOutcome = 'finished' | 'continue';

/**
 * Runs a slice of one scan: up to `sliceSeconds` of pages, each committed with its cursor, so a
 * restart (or another worker) resumes at the next page. A target that cannot be read ends the
 * scan as failed with a reason; a failure of our own database is thrown for the queue to retry.
 */
@Injectable()
export class ScanRunner {
  private readonly logger = new Logger(ScanRunner.name);

  constructor(
    private readonly store: ScanStore,
    private readonly secrets: SecretCipherService,
    @Inject(DISCOVERY_DETECTOR) private readonly detector: BatchDetector,
    @Inject(DISCOVERY_SETTINGS) private readonly settings: DiscoverySettings,
  ) {}

  async runSlice(scanId: string, stopping: () => boolean): Promise<SliceOutcome> {
    // One worker per scan: a session lock, released by PostgreSQL if this process dies.
    const outcome = await this.store.whileLocked(scanId, () => this.runLocked(scanId, stopping));
    return outcome ?? 'finished';
  }

  private async runLocked(scanId: string, stopping: () => boolean): Promise<SliceOutcome> {
    const scan = await this.store.find(scanId);
    if (!scan || !(await this.store.markRunning(scanId))) return 'finished';
    let target: TargetDatabase;
    try {
      const url = await this.secrets.decrypt(scan.tenantId, SCAN_URL_KIND, scan.id, scan.url);
      target = await TargetDatabase.open(url, this.settings);
    } catch (error) {
      if (error instanceof TargetError) return this.failed(scan, error);
      throw error;
    }
    try {
      return await this.scanTables(scan, target, stopping);
    } catch (error) {
      if (error instanceof TargetError) return this.failed(scan, error);
      throw error;
    } finally {
      await target.close();
    }
  }

  private async scanTables(
    scan: ScanRecord,
    target: TargetDatabase,
    stopping: () => boolean,
  ): Promise<SliceOutcome> {
    if (scan.tablesTotal === null) {
      const tables = await target.tables(scan.schemas ?? undefined, scan.tables ?? undefined);
      if (tables.length > 0 && tables.every((t) => !t.readable))
        return this.failed(
          scan,
          new TargetError(
            'permission_denied',
            `${target.description}: the scan user may not SELECT from any of the ${tables.length} tables`,
          ),
        );
      await this.store.plan(scan.id, tables);
    }
    const deadline = Date.now() + this.settings.sliceSeconds * 1000;
    const settings = {
      mode: scan.mode,
      sampleRows: scan.sampleRows,
      pageRows: this.settings.pageRows,
      pageMaxBytes: this.settings.pageMaxBytes,
    };
    for (const table of await this.store.tables(scan.id)) {
      if (table.cursor.done) continue;
      const scanner = new TableScanner(this.detector, table, table.counts, settings);
      let cursor = table.cursor;
      while (!cursor.done) {
        if (stopping() || Date.now() > deadline) return 'continue';
        let next;
        try {
          next = await scanner.step(target, cursor);
        } catch (error) {
          // One unreadable table (privileges, timeout) is a note; any other target error ends
          // the scan as failed; our own errors (workers, database) go back to the queue to retry.
          const skip =
            error instanceof TargetError &&
            (error.reason === 'permission_denied' || error.reason === 'statement_timeout');
          if (!skip) throw error;
          await this.store.skipTable(scan.id, table.ordinal, `not scanned: ${error.message}`);
          break;
        }
        const status = await this.store.savePage(
          scan.id,
          table.ordinal,
          cursor,
          next,
          scanner.counts,
        );
        if (status !== 'running') return 'finished';
        cursor = next;
      }
    }
    await this.store.complete(scan.id);
    this.logger.log({ scanId: scan.id }, 'discovery scan completed');
    return 'finished';
  }

  /** Ends a scan whose job failed on every retry (our own database or keys, not the target). */
  async giveUp(scanId: string): Promise<void> {
    await this.store.fail(
      scanId,
      'internal_error',
      'the scan stopped after repeated internal errors',
    );
    this.logger.error({ scanId }, 'discovery scan failed on every retry');
  }

  private async failed(scan: ScanRecord, error: TargetError): Promise<SliceOutcome> {
    await this.store.fail(scan.id, error.reason, error.message);
    this.logger.warn({ scanId: scan.id, reason: error.reason }, 'discovery scan failed');
    return 'finished';
  }
}
