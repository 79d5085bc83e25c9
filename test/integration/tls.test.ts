import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../voter/app.js';
import { resolveConfig } from '../../voter/config.js';
import { ComputeServiceClient } from '../../voter/gen/nvote/v1/compute_service.js';
import { builtInMethods } from '../../voter/methods/built-in.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';
import { startGateway } from '../helpers/start-gateway.js';

// Certificates made here with Debian's openssl: two CAs, a server certificate from each (for
// 127.0.0.1), a client certificate from each.
const directory = mkdtempSync(join(tmpdir(), 'nvote-tls-'));
const file = (name: string): string => join(directory, name);
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });

function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
}

function makeLeaf(name: string, ca: string, extension: string): void {
  writeFileSync(file(`${name}.ext`), `${extension}\n`);
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
}

makeCa('ca-one');
makeCa('ca-two');
makeLeaf('server-one', 'ca-one', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
makeLeaf('server-two', 'ca-two', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
makeLeaf('client-one', 'ca-one', 'extendedKeyUsage=clientAuth');
makeLeaf('client-two', 'ca-two', 'extendedKeyUsage=clientAuth');
// The files the gateway is configured with; the reload test overwrites them.
copyFileSync(file('server-one.pem'), file('live.pem'));
copyFileSync(file('server-one.key'), file('live.key'));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const pem = (name: string): Buffer => readFileSync(file(name));
const trusting = (ca: string, client?: string): ChannelCredentials =>
  client === undefined ? credentials.createSsl(pem(`${ca}.pem`)) : credentials.createSsl(pem(`${ca}.pem`), pem(`${client}.key`), pem(`${client}.pem`));

/** One Sort call on a fresh channel: its answer, or the gRPC status code it failed with. */
async function sortThrough(address: string, channel: ChannelCredentials): Promise<bigint[] | number> {
  const client = new ComputeServiceClient(address, channel);
  try {
    return await new Promise((resolve, reject) => {
      client.sort({ values: [3n, 1n, 2n] }, new Metadata(), { deadline: Date.now() + 10_000 }, (error: ServiceError | null, response) =>
        error ? resolve(error.code) : response === undefined ? reject(new Error('no response')) : resolve(response.values),
      );
    });
  } finally {
    client.close();
  }
}

describe('TLS on the gRPC listener', () => {
  it('serves a client that trusts its CA, and refuses a plaintext one', async () => {
    await using gateway = await startGateway({ config: { tls: { certFile: file('server-one.pem'), keyFile: file('server-one.key') } } });
    expect(await sortThrough(gateway.address, trusting('ca-one'))).toEqual([1n, 2n, 3n]);
    expect(await sortThrough(gateway.address, credentials.createInsecure())).toBe(status.UNAVAILABLE);
    // A client that trusts another CA does not accept the server.
    expect(await sortThrough(gateway.address, trusting('ca-two'))).toBe(status.UNAVAILABLE);
  });

  it('under mutual TLS refuses a client without a certificate, or with one from another CA, and serves the right one', async () => {
    await using gateway = await startGateway({
      config: { tls: { certFile: file('server-one.pem'), keyFile: file('server-one.key'), clientCaFile: file('ca-one.pem') }, faultInjection: { enabled: true } },
    });
    expect(await sortThrough(gateway.address, trusting('ca-one'))).toBe(status.UNAVAILABLE);
    expect(await sortThrough(gateway.address, trusting('ca-one', 'client-two'))).toBe(status.UNAVAILABLE);
    expect(await sortThrough(gateway.address, trusting('ca-one', 'client-one'))).toEqual([1n, 2n, 3n]);
    // The admin listener is never weaker than the compute port.
    const admin = new ComputeServiceClient(gateway.admin!, trusting('ca-one'));
    try {
      const code = await new Promise<number>(resolve => admin.sort({ values: [] }, new Metadata(), { deadline: Date.now() + 10_000 }, error => resolve(error?.code ?? status.OK)));
      expect(code).toBe(status.UNAVAILABLE);
    } finally {
      admin.close();
    }
  });

  it('takes a new certificate on reload for new connections, and keeps the one in use when the files are bad', async () => {
    await using gateway = await startGateway({ config: { tls: { certFile: file('live.pem'), keyFile: file('live.key') } } });
    expect(await sortThrough(gateway.address, trusting('ca-one'))).toEqual([1n, 2n, 3n]);
    copyFileSync(file('server-two.pem'), file('live.pem'));
    copyFileSync(file('server-two.key'), file('live.key'));
    expect(gateway.app.reloadTls()).toMatchObject({ ok: true });
    expect(await sortThrough(gateway.address, trusting('ca-two'))).toEqual([1n, 2n, 3n]);
    expect(await sortThrough(gateway.address, trusting('ca-one'))).toBe(status.UNAVAILABLE);

    // A key that is not the certificate's: refused, every problem said, the working one kept.
    copyFileSync(file('server-one.key'), file('live.key'));
    const refused = gateway.app.reloadTls();
    expect(refused).toEqual({ ok: false, problems: [`tls.keyFile: ${file('live.key')} is not the key of the certificate in ${file('live.pem')}`] });
    expect(await sortThrough(gateway.address, trusting('ca-two'))).toEqual([1n, 2n, 3n]);
  });

  it('reloads on SIGHUP in the gateway process', { timeout: 180_000 }, async () => {
    await buildIfStale();
    writeFileSync(file('process.json'), JSON.stringify({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', tls: { certFile: file('server-one.pem'), keyFile: file('server-one.key') } }));
    const child = spawn(process.execPath, [join(ROOT, 'dist/voter/main.js'), '--config', file('process.json')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NVOTE_CONFIG: '' } });
    const exited = new Promise(resolve => child.once('exit', resolve));
    try {
      const lines = createInterface({ input: child.stdout });
      let address = '';
      for await (const line of lines) {
        const entry = JSON.parse(line) as { msg: string; grpc?: string; tls?: unknown };
        if (entry.msg === 'nvote gateway listening') {
          expect(entry.tls).toEqual({ mutual: false, certFile: file('server-one.pem') });
          address = entry.grpc ?? '';
          child.kill('SIGHUP');
        }
        if (entry.msg === 'TLS certificate reloaded') break;
      }
      expect(await sortThrough(address, trusting('ca-one'))).toEqual([1n, 2n, 3n]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('does not start with unusable files, and lists every problem', async () => {
    writeFileSync(file('garbage.pem'), 'not a certificate');
    const config = resolveConfig(
      { listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', tls: { certFile: file('garbage.pem'), keyFile: file('missing.key'), clientCaFile: file('garbage.pem') } },
      builtInMethods,
    );
    const app = createApp({ config, logger: pino({ level: 'silent' }), workerExecArgv: ['--import', 'tsx'] });
    try {
      const failure = await app.start().then(
        () => undefined,
        (error: unknown) => (error as Error).message,
      );
      expect(failure).toContain(`tls.certFile: ${file('garbage.pem')} is not a PEM certificate`);
      expect(failure).toContain(`tls.keyFile: cannot read ${file('missing.key')}`);
      expect(failure).toContain(`tls.clientCaFile: ${file('garbage.pem')} is not a PEM certificate`);
    } finally {
      await app.stop();
    }
  });
});
