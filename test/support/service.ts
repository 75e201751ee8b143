import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';

export const ADMIN_KEY = 'test-bootstrap-admin-key-0123456789';
export const TEST_ROLES = ['support', 'billing', 'auditor', 'detokenizer', 'tokenizer'];
const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');

export function testDatabaseServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error('TEST_DATABASE_URL is not set: run e2e tests through jest (global setup)');
  return url;
}

/** A fresh, empty database on the test server; returns its URL. */
export async function createDatabase(prefix = 'e2e'): Promise<{ url: string; name: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(testDatabaseServerUrl(), (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(testDatabaseServerUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const newMasterKey = (): string => randomBytes(32).toString('base64');

export interface ServiceOptions {
  databaseUrl?: string;
  masterKey?: string;
  env?: Record<string, string>;
}

export interface ResponseOf<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** The real service as a child process (`node dist/src/main.js`), reached over real HTTP. */
export class Service {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    private readonly exit: Promise<number | null>,
    captured: () => string,
  ) {
    this.logs = captured;
  }

  readonly logs: () => string;

  static async start(options: ServiceOptions): Promise<Service> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: '0',
      HOST: '127.0.0.1',
      PII_VAULT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      // The roles the suite's keys hold besides admin and operator, as an operator declares them.
      PII_VAULT_ROLES: TEST_ROLES.join(','),
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...(options.masterKey ? { PII_VAULT_MASTER_KEY: options.masterKey } : {}),
      ...options.env,
    };
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on (https?:\/\/[\d.]+:\d+)/.exec(output);
        if (match) resolve(match[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exit.then((code) =>
        reject(new Error(`service exited with ${code} before listening:\n${output}`)),
      );
      setTimeout(
        () => reject(new Error(`service did not start in 45 s:\n${output}`)),
        45_000,
      ).unref();
    });
    return new Service(child, baseUrl, exit, () => output);
  }

  /** Starts a service expected to fail; resolves with its exit code and output. */
  static async startFailing(
    options: ServiceOptions,
  ): Promise<{ code: number | null; output: string }> {
    try {
      const service = await Service.start(options);
      await service.stop();
      return { code: 0, output: service.logs() };
    } catch (error) {
      const message = (error as Error).message;
      return {
        code: /exited with (\d+)/.test(message)
          ? Number(/exited with (\d+)/.exec(message)![1])
          : null,
        output: message,
      };
    }
  }

  async request<T = Record<string, unknown>>(
    method: string,
    route: string,
    options: {
      key?: string | null;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ResponseOf<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${route}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  post<T = Record<string, unknown>>(
    route: string,
    body: unknown,
    key?: string | null,
  ): Promise<ResponseOf<T>> {
    return this.request<T>('POST', route, { body, key });
  }

  /** Graceful stop; resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    return this.exit;
  }
}

/** Creates an API key through the admin API and returns the secret. */
export async function createKey(
  service: Service,
  roles: string[],
  tenant?: string,
  adminKey = ADMIN_KEY,
): Promise<string> {
  const res = await service.request<{ key: string }>('POST', '/v1/admin/api-keys', {
    key: adminKey,
    body: { name: `key-${roles.join('-')}`, roles, ...(tenant ? { tenant } : {}) },
  });
  if (res.status !== 201)
    throw new Error(`creating key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key;
}
