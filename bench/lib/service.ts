import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** A process under benchmark: the service (`node dist/src/main.js`), a variant or the ceilings. */
export interface BenchService {
  url: string;
  child: ChildProcess;
}

/** The service as deployed. */
export const SERVICE_MAIN = path.join(__dirname, '..', '..', 'src', 'main.js');
/** The service with a layer replaced (bench/service-variant.ts): argv is [this, variant]. */
export const SERVICE_VARIANT = path.join(__dirname, '..', 'service-variant.js');
/** The bare Fastify + pg ceilings (bench/ceiling-server.ts). */
export const CEILING_SERVER = path.join(__dirname, '..', 'ceiling-server.js');

/** A free TCP port on the loopback interface (the service itself may log nothing to parse). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node argv...` (the service by default) with this environment (over the bench's own) on
 * a free loopback port and waits until /health/live answers. Its output is kept only to explain
 * a failed start, then drained unread: reading it would load this process, which runs the load
 * generator.
 */
export async function startService(
  env: Record<string, string>,
  argv: string[] = [SERVICE_MAIN],
): Promise<BenchService> {
  const port = await freePort();
  const child = spawn(process.execPath, argv, {
    env: {
      ...(process.env as Record<string, string>),
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 120_000;) {
    if (exited !== undefined) throw new Error(`service exited (${exited}):\n${output}`);
    const live = await fetch(`${url}/health/live`).then(
      (res) => res.ok,
      () => false,
    );
    if (live) {
      child.stdout!.off('data', collect).resume();
      child.stderr!.off('data', collect).resume();
      return { url, child };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`service did not start:\n${output}`);
}

export async function stopService(service: BenchService): Promise<void> {
  if (service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.on('exit', resolve));
  service.child.kill('SIGTERM');
  await exited;
}
