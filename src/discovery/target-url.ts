import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { AllowedHosts, isHostName } from '../config/allowed-hosts';
import { TargetError } from './target-error';

export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly SslMode[] = ['disable', 'require', 'verify-ca', 'verify-full'];

/**
 * A target database as the URL names it: the only fields a connection is built from. Nothing
 * else in the URL reaches the driver (no socket directories, no certificate or key files, no
 * server options).
 */
export interface TargetConnection {
  user: string;
  password: string;
  /** A DNS name or an IP address (IPv6 without brackets); never a path. */
  host: string;
  port: number;
  /** Undefined: the server's default, the user's name. */
  database?: string;
  sslmode: SslMode;
}

/** What may follow `?`: the one parameter a target URL can carry. */
const ALLOWED_PARAMETERS = ['sslmode'];

/** A parameter name for a message: what the caller sent, printable and short. */
const shown = (name: string) => name.replace(/[^\w.-]/g, '?').slice(0, 40) || '(empty)';

/** Control characters (NUL above all) never go into a startup packet. */
const printable = (value: string) =>
  ![...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

function decoded(part: string, what: string): string {
  let value: string;
  try {
    value = decodeURIComponent(part);
  } catch {
    throw new TargetError(
      'invalid_url',
      `the connection URL's ${what} is not valid percent-encoding`,
    );
  }
  if (!printable(value))
    throw new TargetError('invalid_url', `the connection URL's ${what} holds control characters`);
  return value;
}

/**
 * Parses a postgres:// URL into the fields a connection is built from, refusing anything else:
 * other query parameters, Unix socket directories (a host that is a path, percent-encoded or
 * not, or no host at all), fragments, hosts that are not DNS names or IP addresses.
 */
export function parseTargetUrl(url: string): TargetConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetError('invalid_url', 'the connection URL is not a valid URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new TargetError('invalid_url', 'the connection URL must start with postgres://');
  const rawHost = parsed.hostname;
  if (!rawHost)
    throw new TargetError(
      'invalid_url',
      'the connection URL names no host (Unix sockets are not allowed)',
    );
  const bracketed = /^\[(.*)\]$/.exec(rawHost);
  const host = bracketed ? bracketed[1].toLowerCase() : rawHost.toLowerCase();
  if (bracketed ? isIP(host) !== 6 : isIP(host) !== 4 && !isHostName(host))
    throw new TargetError(
      'invalid_url',
      "the connection URL's host must be a DNS name or an IP address (no socket paths)",
    );
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new TargetError('invalid_url', "the connection URL's port must be 1-65535");
  if (parsed.hash)
    throw new TargetError('invalid_url', 'the connection URL may not have a #fragment');
  const user = decoded(parsed.username, 'user name');
  if (!user) throw new TargetError('invalid_url', 'the connection URL names no user');
  const path = parsed.pathname.replace(/^\//, '');
  const database = path === '' ? undefined : decoded(path, 'database name');
  if (database?.includes('/'))
    throw new TargetError('invalid_url', "the connection URL's path must be one database name");
  let sslmode: SslMode = 'disable';
  const seen = new Set<string>();
  for (const [name, value] of parsed.searchParams) {
    if (!ALLOWED_PARAMETERS.includes(name))
      throw new TargetError(
        'invalid_url',
        `the connection URL may not set the parameter ${shown(name)} (only sslmode is allowed)`,
      );
    if (seen.has(name))
      throw new TargetError('invalid_url', `the connection URL sets ${name} twice`);
    seen.add(name);
    if (!(SSL_MODES as readonly string[]).includes(value))
      throw new TargetError('invalid_url', `sslmode must be one of ${SSL_MODES.join(', ')}`);
    sslmode = value as SslMode;
  }
  return {
    user,
    password: decoded(parsed.password, 'password'),
    host,
    port,
    database,
    sslmode,
  };
}

/** Where a target lives, for messages and the audit: host, port and database, never the user. */
export function describeConnection(c: TargetConnection): string {
  const host = isIP(c.host) === 6 ? `[${c.host}]` : c.host;
  return `${host}:${c.port}/${c.database ?? ''}`;
}

export type Lookup = (host: string) => Promise<string[]>;

const systemLookup: Lookup = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The address to connect to, checked against the operator's allow-list: a host listed by name
 * is allowed before lookup; any other host is allowed only when every address it resolves to is
 * listed (an address or inside a listed range). The caller connects to the returned address, not
 * the name, so a second DNS answer cannot move the connection elsewhere. Runs on every connect.
 */
export async function resolveAllowed(
  target: TargetConnection,
  allowed: AllowedHosts,
  where: string,
  timeoutMs: number,
  resolve: Lookup = systemLookup,
): Promise<string> {
  const refused = () =>
    new TargetError(
      'target_not_allowed',
      `${where} is not on the discovery allow-list (PII_VAULT_DISCOVERY_ALLOWED_HOSTS)`,
    );
  if (allowed.empty) throw refused();
  const byName = allowed.allowsName(target.host);
  if (isIP(target.host) !== 0) {
    if (!byName && !allowed.allowsAddress(target.host)) throw refused();
    return target.host;
  }
  // Nothing but a name could allow this host: refuse it without asking DNS about it.
  if (!byName && !allowed.hasAddresses) throw refused();
  let addresses: string[];
  let timer: NodeJS.Timeout | undefined;
  try {
    addresses = await Promise.race([
      resolve(target.host),
      new Promise<string[]>((_, reject) => {
        timer = setTimeout(() => reject(new Error('lookup timed out')), timeoutMs);
      }),
    ]);
  } catch {
    addresses = [];
  } finally {
    clearTimeout(timer);
  }
  if (addresses.length === 0) {
    // A name not on the list that does not resolve is refused like one that resolves elsewhere,
    // so a scan cannot be used to probe which internal names exist.
    if (!byName) throw refused();
    throw new TargetError('unreachable', `${where} is unreachable`);
  }
  if (!byName && !addresses.every((a) => allowed.allowsAddress(a))) throw refused();
  return addresses[0];
}

/** TLS options for an sslmode; the certificate is checked against the URL's host name. */
export function tlsOptions(target: TargetConnection): false | ConnectionOptions {
  switch (target.sslmode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return {
        rejectUnauthorized: true,
        ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
        checkServerIdentity: (_host, cert) => checkServerIdentity(target.host, cert),
      };
  }
}
