import type { AllowedHosts } from '../config/allowed-hosts';

/** Injection token of the BatchDetector scans use (worker threads in the service). */
export const DISCOVERY_DETECTOR = Symbol('DISCOVERY_DETECTOR');
export const DISCOVERY_SETTINGS = Symbol('DISCOVERY_SETTINGS');

/** A job works this long before it hands the scan to the next job. */
export const SLICE_SECONDS = 10;
/** How long connecting to a scanned database may take, for jobs and the command line alike. */
export const TARGET_CONNECT_TIMEOUT_MS = 10_000;

/** How scans run, from configuration. */
export interface DiscoverySettings {
  /** The vault's own database: pg-boss keeps its queue there. */
  databaseUrl: string;
  /** Scans worked on at once by this process. */
  concurrency: number;
  /** Worker threads that run detection for scans. */
  detectionThreads: number;
  /** A job works this long, then hands the scan to a fresh job (restarts resume from there). */
  sliceSeconds: number;
  /** Rows aimed at per page in full mode. */
  pageRows: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** PII_VAULT_DISCOVERY_ALLOWED_HOSTS: where scans may connect (empty: nowhere). */
  allowedHosts: AllowedHosts;
  /** Bytes of values one page may load (PII_VAULT_DISCOVERY_PAGE_MAX_BYTES). */
  pageMaxBytes: number;
}
