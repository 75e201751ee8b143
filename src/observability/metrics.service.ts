import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { selectRows } from '../common/sql';
import type { PhaseClock } from './phase-clock';

/**
 * Where a text was detected: on the event loop, on a detection thread, or on the bulk thread for
 * large requests (DetectionRunner).
 */
export type DetectionLane = 'loop' | 'threads' | 'bulk';

/** Entity types become label values only in this shape, and only this many of them. */
const ENTITY_TYPE_LABEL = /^[A-Z][A-Z0-9_]{0,47}$/;
const MAX_ENTITY_TYPE_LABELS = 200;
/** API key ids (uuids) label the gateway's per-key series, at most this many. */
const KEY_ID_LABEL = /^[0-9a-f-]{36}$/;
const MAX_KEY_ID_LABELS = 1000;
/** Counting a large vault is not free: scrapes within this window reuse the last count. */
const VAULT_SIZE_CACHE_MS = 30_000;

export type TokenOperation = 'tokenize' | 'detokenize';
export type RejectionReason = 'api_key' | 'auth_failures' | 'reveal_budget';

interface PgPoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/**
 * Prometheus metrics of one service instance. Labels hold route templates, status codes, entity
 * type names, outcomes and tenant ids only: never a raw path, token, key or value.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly seenEntityTypes = new Set<string>();
  /** Labelled children by label values: prom-client would hash the label object every call. */
  private readonly requestSeries = new Map<
    string,
    { count: { inc(): void }; latency: { observe(seconds: number): void } }
  >();
  private readonly tokenSeries = new Map<string, { inc(): void }>();
  private vaultSizeReadAt = 0;

  private readonly requests = new Counter({
    name: 'pii_vault_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: 'pii_vault_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly tokens = new Counter({
    name: 'pii_vault_tokens_total',
    help: 'Values tokenized and tokens detokenized, by entity type and outcome',
    labelNames: ['operation', 'entity_type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly detection = new Histogram({
    name: 'pii_vault_detection_duration_seconds',
    help: 'Time spent detecting entities in one text, by where it ran: the event loop, a detection thread, or the bulk thread for large requests',
    labelNames: ['lane'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  private readonly phases = new Histogram({
    name: 'pii_vault_token_phase_seconds',
    help: 'Handler time of tokenize and detokenize requests by phase (wall time, one observation per request and phase)',
    labelNames: ['operation', 'phase'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  private readonly phaseSeries = new Map<string, { observe(seconds: number): void }>();

  private readonly auditFailures = new Counter({
    name: 'pii_vault_audit_write_failures_total',
    help: 'Audit events that could not be written (their requests failed)',
    registers: [this.registry],
  });

  private readonly rejections = new Counter({
    name: 'pii_vault_rate_limit_rejections_total',
    help: 'Requests refused with 429, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly keyVerifications = new Counter({
    name: 'pii_vault_api_key_verifications_total',
    help: 'API keys checked with argon2 (keys not in the verified-key cache)',
    registers: [this.registry],
  });

  private readonly unknownTokenAlerts = new Counter({
    name: 'pii_vault_unknown_token_alerts_total',
    help: 'Keys reported for asking after too many unknown tokens in an hour',
    registers: [this.registry],
  });

  private readonly gatewayCalls = new Counter({
    name: 'pii_vault_gateway_requests_total',
    help: 'LLM gateway calls by API key id, endpoint and status answered',
    labelNames: ['key_id', 'endpoint', 'status'] as const,
    registers: [this.registry],
  });

  private readonly gatewayUpstream = new Histogram({
    name: 'pii_vault_gateway_upstream_seconds',
    help: 'Time until the upstream model API answered (its headers), by API key id and endpoint',
    labelNames: ['key_id', 'endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  private readonly gatewayTokens = new Counter({
    name: 'pii_vault_gateway_tokens_total',
    help: 'Values the gateway tokenized and tokens it decided in answers, by API key id and outcome',
    labelNames: ['key_id', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly seenKeyIds = new Set<string>();

  constructor(private readonly db: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pii_vault_' });
    this.registerPoolGauge();
    this.registerVaultSizeGauge();
  }

  /** Route is a template (or `unmatched`), so the series stay few. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      const labels = { method, route, status: String(status) };
      series = { count: this.requests.labels(labels), latency: this.latency.labels(labels) };
      this.requestSeries.set(key, series);
    }
    series.count.inc();
    series.latency.observe(seconds);
  }

  /** Outcomes are a fixed set and types are capped (entityTypeLabel), so the series stay few. */
  countToken(operation: TokenOperation, entityType: string | null, outcome: string): void {
    const type = this.entityTypeLabel(entityType);
    const key = `${operation} ${type} ${outcome}`;
    let series = this.tokenSeries.get(key);
    if (!series) {
      series = this.tokens.labels({ operation, entity_type: type, outcome });
      this.tokenSeries.set(key, series);
    }
    series.inc();
  }

  observeDetection(lane: DetectionLane, seconds: number): void {
    this.detection.observe({ lane }, seconds);
  }

  /** Operation and phase names are fixed sets (TokenOperation, TokenPhase). */
  observePhases(operation: TokenOperation, clock: PhaseClock): void {
    for (const [phase, ms] of clock.spent) {
      const key = `${operation} ${phase}`;
      let series = this.phaseSeries.get(key);
      if (!series) {
        series = this.phases.labels({ operation, phase });
        this.phaseSeries.set(key, series);
      }
      series.observe(ms / 1000);
    }
  }

  countAuditFailure(): void {
    this.auditFailures.inc();
  }

  countRejection(reason: RejectionReason): void {
    this.rejections.inc({ reason });
  }

  countKeyVerification(): void {
    this.keyVerifications.inc();
  }

  countUnknownTokenAlert(): void {
    this.unknownTokenAlerts.inc();
  }

  /** Label values are key ids (uuids, never secrets), capped like entity types. */
  observeGatewayCall(keyId: string, endpoint: string, status: number): void {
    this.gatewayCalls.inc({ key_id: this.keyIdLabel(keyId), endpoint, status: String(status) });
  }

  observeGatewayUpstream(keyId: string, endpoint: string, seconds: number): void {
    this.gatewayUpstream.observe({ key_id: this.keyIdLabel(keyId), endpoint }, seconds);
  }

  /** `outcome` is `tokenized` or a detokenize outcome (revealed, masked, denied, foreign, ...). */
  countGatewayTokens(keyId: string, outcome: string, count: number): void {
    if (count > 0) this.gatewayTokens.inc({ key_id: this.keyIdLabel(keyId), outcome }, count);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  /** A type a caller made up (an unknown token's prefix) must not mint label values at will. */
  private entityTypeLabel(entityType: string | null): string {
    if (!entityType || !ENTITY_TYPE_LABEL.test(entityType)) return 'none';
    if (this.seenEntityTypes.has(entityType)) return entityType;
    if (this.seenEntityTypes.size >= MAX_ENTITY_TYPE_LABELS) return 'other';
    this.seenEntityTypes.add(entityType);
    return entityType;
  }

  private keyIdLabel(keyId: string): string {
    if (this.seenKeyIds.has(keyId)) return keyId;
    if (this.seenKeyIds.size >= MAX_KEY_ID_LABELS || !KEY_ID_LABEL.test(keyId)) return 'other';
    this.seenKeyIds.add(keyId);
    return keyId;
  }

  private registerPoolGauge(): void {
    const db = this.db;
    new Gauge({
      name: 'pii_vault_db_pool_connections',
      help: 'Request connection pool: open, idle and waiting clients, and its maximum',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = (db.driver as unknown as { master?: PgPoolStats }).master;
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
        this.set({ state: 'max' }, pool.options?.max ?? 0);
      },
    });
  }

  private registerVaultSizeGauge(): void {
    const refresh = (gauge: Gauge) => this.refreshVaultSizes(gauge);
    // One total, no tenant label: a scrape must not list the tenants or how much each stores.
    new Gauge({
      name: 'pii_vault_vault_entries',
      help: 'Stored (unpurged) vault entries, all tenants together',
      registers: [this.registry],
      collect() {
        return refresh(this);
      },
    });
  }

  private async refreshVaultSizes(gauge: Gauge): Promise<void> {
    if (Date.now() - this.vaultSizeReadAt < VAULT_SIZE_CACHE_MS) return;
    let rows: { entries: number }[];
    try {
      rows = await selectRows<{ entries: number }>(
        this.db,
        `SELECT count(*)::int AS entries FROM vault_entries WHERE purged_at IS NULL`,
      );
    } catch {
      return; // database unreachable: the scrape still answers, with the last count
    }
    this.vaultSizeReadAt = Date.now();
    gauge.set(rows[0]?.entries ?? 0);
  }
}
