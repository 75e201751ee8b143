import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import {
  clusterUser,
  initialiseCluster,
  postgresBinaries,
  startPostmaster,
} from './postgres-process';
import { provisionServiceRole, SERVICE_DATABASE, SERVICE_ROLE } from './service-role';

export interface EmbeddedDatabase {
  /**
   * postgres:// URL the service uses: the service role, which owns the database but is no
   * superuser. Through the server's Unix socket when the socket's path is short enough, else TCP
   * on 127.0.0.1 (the server listens on both).
   */
  url: string;
  /** The cluster's superuser, for harnesses that create databases (tests, benchmarks). */
  superuserUrl: string;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

const OWNER_FILE = 'owner.json';
const SUPERUSER = 'postgres';
const SUPERUSER_CREDENTIALS = 'pg-credentials.json';
const SERVICE_CREDENTIALS = 'pg-service-credentials.json';
const logger = new Logger('EmbeddedPostgres');

/**
 * Starts (or joins) an embedded PostgreSQL cluster whose files live under `dataDir`.
 * A cluster already served by another live process of ours is joined rather than started twice;
 * a postmaster left behind by a killed owner is stopped first. initdb and postgres run with a
 * scrubbed environment (postgres-process.ts); the superuser only sets up the service role.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // As root the cluster runs as user postgres, which must traverse (not list) the data dir.
  if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o711);
  const clusterDir = clusterDirFor(dataDir);
  const superuserPassword = loadOrCreatePassword(
    path.join(dataDir, SUPERUSER_CREDENTIALS),
    SUPERUSER,
  );
  const servicePassword = loadOrCreatePassword(
    path.join(dataDir, SERVICE_CREDENTIALS),
    SERVICE_ROLE,
  );
  const urls = (port: number) => ({
    url: urlFor(SERVICE_ROLE, servicePassword, port, clusterDir),
    superuserUrl: urlFor(SUPERUSER, superuserPassword, port, clusterDir),
  });

  const running = readOwner(dataDir);
  if (running && isAlive(running.pid) && running.pid !== process.pid && postmasterPid(clusterDir)) {
    return { ...urls(running.port), owned: false, stop: async () => {} };
  }
  stopStalePostmaster(clusterDir);

  const port = await freePort();
  const binaries = await postgresBinaries();
  const user = clusterUser();
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.log(`Initialising embedded PostgreSQL cluster in ${clusterDir}`);
    await initialiseCluster(binaries, clusterDir, SUPERUSER, superuserPassword, user);
  }
  const postmaster = await startPostmaster(
    binaries,
    clusterDir,
    [
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDirFor(clusterDir, port) ?? ''}`,
      '-c',
      'max_connections=200',
    ],
    user,
  );
  try {
    await provisionServiceRole(urls(port).superuserUrl, servicePassword);
  } catch (error) {
    await postmaster.stop();
    throw error;
  }
  fs.writeFileSync(path.join(dataDir, OWNER_FILE), JSON.stringify({ pid: process.pid, port }), {
    mode: 0o600,
  });
  return {
    ...urls(port),
    owned: true,
    stop: async () => {
      await postmaster.stop();
      fs.rmSync(path.join(dataDir, OWNER_FILE), { force: true });
    },
  };
}

/**
 * A Unix socket in the cluster's own directory: a query through it cost the driver about half
 * the CPU of one through TCP on loopback here (a SELECT 1: 44-49 µs against 66-102 µs).
 */
function socketDirFor(clusterDir: string, port: number): string | undefined {
  // sun_path holds 107 bytes on Linux.
  return path.join(clusterDir, `.s.PGSQL.${port}`).length <= 100 ? clusterDir : undefined;
}

function urlFor(user: string, password: string, port: number, clusterDir: string): string {
  const socketDir = socketDirFor(clusterDir, port);
  const credentials = `${user}:${encodeURIComponent(password)}`;
  return socketDir
    ? `postgres://${credentials}@localhost:${port}/${SERVICE_DATABASE}?host=${encodeURIComponent(socketDir)}`
    : `postgres://${credentials}@127.0.0.1:${port}/${SERVICE_DATABASE}`;
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster is owned by a `postgres` user, which
 * must be able to reach the directory. When the data dir sits under a path it cannot traverse
 * (e.g. /root), the cluster goes to /var/lib/pii-vault/<hash of data dir> instead.
 */
function clusterDirFor(dataDir: string): string {
  const preferred = path.join(dataDir, 'pg');
  if (process.getuid?.() !== 0 || traversableByOthers(path.dirname(dataDir))) return preferred;
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const fallback = path.join('/var/lib/pii-vault', id, 'pg');
  fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
  return fallback;
}

function traversableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/** A login's password, generated once into `file` (mode 0600) beside the cluster. */
function loadOrCreatePassword(file: string, user: string): string {
  if (fs.existsSync(file))
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string }).password;
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, JSON.stringify({ user, password }), { mode: 0o600 });
  return password;
}

function readOwner(dataDir: string): { pid: number; port: number } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, OWNER_FILE), 'utf8')) as {
      pid: number;
      port: number;
    };
  } catch {
    return undefined;
  }
}

function postmasterPid(clusterDir: string): number | undefined {
  try {
    const pid = Number(
      fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A postmaster whose owner was SIGKILLed keeps the cluster locked: shut it down (fast mode). */
function stopStalePostmaster(clusterDir: string): void {
  const pid = postmasterPid(clusterDir);
  if (!pid) return;
  logger.warn(`Stopping stale PostgreSQL postmaster (pid ${pid}) left by a previous run`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) execFileSync('sleep', ['0.1']);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
