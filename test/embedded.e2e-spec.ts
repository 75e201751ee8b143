import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Service, withClient } from './support/service';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

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
      const { port } = JSON.parse(fs.readFileSync(path.join(own, 'owner.json'), 'utf8')) as {
        port: number;
      };
      const { password } = JSON.parse(
        fs.readFileSync(path.join(own, 'pg-credentials.json'), 'utf8'),
      ) as { password: string };
      const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
      const sessions = await withClient(url, async (c) => {
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
    const second = await Service.start({ env });
    try {
      const restored = await second.post<Tokenized>('/v1/detokenize', {
        text: tokenized.body.text,
      });
      expect(restored.body.text).toBe(text);
      expect(second.logs()).not.toContain('No PII_VAULT_MASTER_KEY set');
      expect(await second.stop('SIGINT')).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
