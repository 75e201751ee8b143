import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

import { createDatabase, newMasterKey, Service } from './support/service';

interface Pki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  strangerCert: string;
  strangerKey: string;
}

const openssl = (dir: string, ...args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, a server certificate for 127.0.0.1, a client it signed, and a self-signed stranger. */
function makePki(): Pki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-tls-'));
  const key = (name: string) => openssl(dir, 'genrsa', '-out', `${name}.key`, '2048');
  key('ca');
  openssl(
    dir,
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-days',
    '2',
    '-subj',
    '/CN=PII Vault test CA',
    '-out',
    'ca.pem',
  );
  const signed = (name: string, subject: string, extensions: string) => {
    key(name);
    openssl(dir, 'req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  signed('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  signed('client', '/CN=test client', 'extendedKeyUsage=clientAuth\n');
  key('stranger');
  openssl(
    dir,
    'req',
    '-x509',
    '-new',
    '-key',
    'stranger.key',
    '-days',
    '2',
    '-subj',
    '/CN=stranger',
    '-out',
    'stranger.pem',
  );
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  return {
    dir,
    ca: read('ca.pem'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
    strangerCert: read('stranger.pem'),
    strangerKey: read('stranger.key'),
  };
}

/** GET over HTTPS trusting only the test CA; resolves with the status or rejects on handshake. */
function httpsGet(url: string, options: https.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ...options, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    request.on('error', reject);
    request.setTimeout(5000, () => request.destroy(new Error('timeout')));
  });
}

describe('TLS', () => {
  let pki: Pki;

  beforeAll(() => {
    pki = makePki();
  });

  afterAll(() => {
    fs.rmSync(pki.dir, { recursive: true, force: true });
  });

  it('speaks HTTPS with the configured certificate and refuses plain HTTP', async () => {
    const db = await createDatabase('tls');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { TLS_CERT_FILE: pki.serverCert, TLS_KEY_FILE: pki.serverKey },
    });
    try {
      expect(service.baseUrl).toMatch(/^https:\/\//);
      expect(await httpsGet(`${service.baseUrl}/health`, { ca: pki.ca })).toBe(200);
      const plain = service.baseUrl.replace(/^https:/, 'http:');
      await expect(fetch(`${plain}/health`)).rejects.toThrow();
      await expect(httpsGet(`${service.baseUrl}/health`, {})).rejects.toThrow(
        /self.signed|unable to verify|certificate/i,
      );
    } finally {
      await service.stop();
    }
  });

  it('with a client CA, completes the handshake only for clients holding a certificate it signed', async () => {
    const db = await createDatabase('tls');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: {
        TLS_CERT_FILE: pki.serverCert,
        TLS_KEY_FILE: pki.serverKey,
        TLS_CLIENT_CA_FILE: path.join(pki.dir, 'ca.pem'),
      },
    });
    try {
      const url = `${service.baseUrl}/health`;
      expect(await httpsGet(url, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey })).toBe(
        200,
      );
      await expect(httpsGet(url, { ca: pki.ca })).rejects.toThrow();
      await expect(
        httpsGet(url, { ca: pki.ca, cert: pki.strangerCert, key: pki.strangerKey }),
      ).rejects.toThrow();
    } finally {
      await service.stop();
    }
  });

  it('refuses to start when TLS_CLIENT_CA_FILE is set without a server certificate', async () => {
    const db = await createDatabase('tls');
    const result = await Service.startFailing({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { TLS_CLIENT_CA_FILE: path.join(pki.dir, 'ca.pem') },
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('TLS_CLIENT_CA_FILE');
  });
});
