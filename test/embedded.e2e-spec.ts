import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { newMasterKey, Service, withClient } from './support/service';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

/** Variables the embedded postmaster may see: the search path, the locale and the time zone. */
const POSTGRES_VARIABLES = /^(PATH|LANG|LC_[A-Z]+|TZ)$/;

const readJson = <T>(dir: string, file: string): T =>
  JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;

/** A login stored in the data dir, over TCP to the running embedded server. */
function loginUrl(dataDir: string, credentialsFile: string): string {
  const { port } = readJson<{ port: number }>(dataDir, 'owner.json');
  const { user, password } = readJson<{ user?: string; password: string }>(
    dataDir,
    credentialsFile,
  );
  return `postgres://${user ?? 'postgres'}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

const superuserUrl = (dataDir: string) => loginUrl(dataDir, 'pg-credentials.json');
const serviceRoleUrl = (dataDir: string) => loginUrl(dataDir, 'pg-service-credentials.json');

/** Objects outside PostgreSQL's own schemas (and the database itself) that a superuser owns. */
const SUPERUSER_OWNED = `
  SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relowner IN (SELECT oid FROM pg_roles WHERE rolsuper)
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_')
       + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE p.proowner IN (SELECT oid FROM pg_roles WHERE rolsuper)
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_')
       + (SELECT count(*) FROM pg_namespace n
           WHERE n.nspowner IN (SELECT oid FROM pg_roles WHERE rolsuper)
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_')
       + (SELECT count(*) FROM pg_database d
           WHERE d.datname = current_database()
             AND d.datdba IN (SELECT oid FROM pg_roles WHERE rolsuper)) AS n`;

interface Tokenized {
  text: string;
}

describe('embedded mode (no DATABASE_URL)', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-embedded-'));
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reaches its embedded server through the Unix socket, not TCP', async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-socket-'));
    const service = await Service.start({ env: { PII_VAULT_DATA_DIR: own } });
    try {
      const sessions = await withClient(superuserUrl(own), async (c) => {
        const result = await c.query<{ client_addr: string | null }>(
          `SELECT client_addr FROM pg_stat_activity WHERE application_name = 'pii-vault'`,
        );
        return result.rows;
      });
      expect(sessions.length).toBeGreaterThan(0);
      // A session over a Unix-domain socket has no client address.
      expect(sessions.every((s) => s.client_addr === null)).toBe(true);
    } finally {
      await service.stop();
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('keeps the master key out of its PostgreSQL, and queries it as a role that cannot read /proc', async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-environ-'));
    const masterKey = newMasterKey();
    const canary = 'canary-secret-of-another-tool-3f9a';
    const service = await Service.start({
      masterKey,
      env: { PII_VAULT_DATA_DIR: own, PII_VAULT_DB_POOL_SIZE: '4', AWS_SECRET_ACCESS_KEY: canary },
    });
    try {
      // The attacker's first move, as the superuser or the cluster's OS user: the postmaster's
      // environment, inherited by every backend (pg_read_binary_file('/proc/self/environ')).
      const pid = Number(
        fs.readFileSync(path.join(own, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
      const names = environ
        .split('\0')
        .filter(Boolean)
        .map((v) => v.slice(0, v.indexOf('=')));
      expect(names).toContain('PATH');
      expect(names.filter((name) => !POSTGRES_VARIABLES.test(name))).toEqual([]);
      expect(environ).not.toContain(masterKey);
      expect(environ).not.toContain(canary);
      expect(environ).not.toContain('PII_VAULT_');

      // The service's own sessions log in as the service role...
      const users = await withClient(superuserUrl(own), async (c) => {
        const result = await c.query<{ usename: string }>(
          `SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'pii-vault'`,
        );
        return result.rows.map((r) => r.usename);
      });
      expect(users).toEqual(['pii_vault']);
      // ...which is no superuser and cannot read the server's files, /proc included.
      await withClient(serviceRoleUrl(own), async (c) => {
        const role = await c.query<{ rolsuper: boolean; reads_files: boolean }>(
          `SELECT rolsuper, pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS reads_files
             FROM pg_roles WHERE rolname = current_user`,
        );
        expect(role.rows).toEqual([{ rolsuper: false, reads_files: false }]);
        await expect(
          c.query(`SELECT pg_read_binary_file('/proc/self/environ')`),
        ).rejects.toMatchObject({ code: '42501' });
      });
      expect(fs.statSync(path.join(own, 'pg-service-credentials.json')).mode & 0o777).toBe(0o600);
    } finally {
      await service.stop();
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('starts its own PostgreSQL, generates a 0600 master key, and keeps data across a SIGKILL', async () => {
    const env = { PII_VAULT_DATA_DIR: dataDir };
    const first = await Service.start({ env });
    expect(first.logs()).toContain('No PII_VAULT_MASTER_KEY set');
    expect(fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    const text = 'Reach jane.roe@example.net about card 4111 1111 1111 1111';
    const tokenized = await first.post<Tokenized>('/v1/tokenize', { text });
    expect(tokenized.status).toBe(200);

    // A CLI run while the service is up joins the running cluster instead of starting a second one.
    const { stdout } = await run(
      process.execPath,
      [CLI, 'api-keys', 'create', '--name', 'desk', '--roles', 'detokenizer'],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
      },
    );
    const key = /key:\s+(\S+)/.exec(stdout)?.[1];
    expect(key).toMatch(/^pvk_/);
    expect((await first.post('/v1/detokenize', { text: tokenized.body.text }, key)).status).toBe(
      200,
    );

    // SIGKILL leaves the postmaster running; the next start must find and stop it.
    await first.stop('SIGKILL');
    // Turn the data dir into one of a version without the service role: the superuser owns all.
    await withClient(superuserUrl(dataDir), async (c) => {
      await c.query('REASSIGN OWNED BY pii_vault TO postgres');
      await c.query('DROP OWNED BY pii_vault');
      await c.query('DROP ROLE pii_vault');
      expect((await c.query<{ n: string }>(SUPERUSER_OWNED)).rows[0].n).not.toBe('0');
    });
    fs.rmSync(path.join(dataDir, 'pg-service-credentials.json'));
    const second = await Service.start({ env });
    try {
      const restored = await second.post<Tokenized>('/v1/detokenize', {
        text: tokenized.body.text,
      });
      expect(restored.body.text).toBe(text);
      // The upgrade handed the database and everything in it to the service role.
      await withClient(superuserUrl(dataDir), async (c) => {
        expect((await c.query<{ n: string }>(SUPERUSER_OWNED)).rows[0].n).toBe('0');
      });
      expect(second.logs()).not.toContain('No PII_VAULT_MASTER_KEY set');
      expect(await second.stop('SIGINT')).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
