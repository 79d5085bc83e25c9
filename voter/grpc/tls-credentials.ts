import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import type { TlsSettings } from '../config.js';

/** TLS material read from the configured files, or every reason it could not be used. */
export type TlsLoad = { readonly ok: true; readonly options: SecureContextOptions; readonly notAfter: string } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads and checks the certificate, its key and the client CA: each file readable and PEM that
 * parses, the key the certificate's own. All problems are reported at once.
 */
export function loadTlsMaterial(settings: TlsSettings): TlsLoad {
  const problems: string[] = [];
  const read = (field: string, path: string): Buffer | undefined => {
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(`tls.${field}: cannot read ${path}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const cert = read('certFile', settings.certFile);
  const key = read('keyFile', settings.keyFile);
  const ca = settings.clientCaFile === undefined ? undefined : read('clientCaFile', settings.clientCaFile);
  let certificate: X509Certificate | undefined;
  if (cert !== undefined) {
    try {
      certificate = new X509Certificate(cert);
    } catch (error) {
      problems.push(`tls.certFile: ${settings.certFile} is not a PEM certificate: ${(error as Error).message}`);
    }
  }
  if (key !== undefined) {
    try {
      const privateKey = createPrivateKey(key);
      if (certificate !== undefined && !certificate.checkPrivateKey(privateKey)) {
        problems.push(`tls.keyFile: ${settings.keyFile} is not the key of the certificate in ${settings.certFile}`);
      }
    } catch (error) {
      problems.push(`tls.keyFile: ${settings.keyFile} is not a PEM private key: ${(error as Error).message}`);
    }
  }
  if (ca !== undefined && settings.clientCaFile !== undefined) {
    try {
      new X509Certificate(ca);
    } catch (error) {
      problems.push(`tls.clientCaFile: ${settings.clientCaFile} is not a PEM certificate: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0 || cert === undefined || key === undefined || certificate === undefined) return { ok: false, problems };
  return { ok: true, options: { cert, key, ...(ca === undefined ? {} : { ca }) }, notAfter: certificate.validTo };
}

/**
 * Server credentials whose certificate can be replaced while the listener runs: grpc-js applies
 * each update to new connections (Http2SecureServer.setSecureContext); connections already open
 * keep theirs. With a client CA, every client must present a certificate it signed (mutual TLS).
 */
class ReloadableServerCredentials extends ServerCredentials {
  constructor(initial: SecureContextOptions, mutual: boolean) {
    super({ requestCert: mutual, rejectUnauthorized: mutual }, initial);
  }

  replace(options: SecureContextOptions): void {
    this.updateSecureContextOptions(options);
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export interface TlsCredentials {
  readonly credentials: ServerCredentials;
  /** Reads the files again; on any problem keeps the certificate in use and says why. */
  reload(): TlsLoad;
}

/** Credentials from the configured files; throws with every problem when they cannot be used at start. */
export function createTlsCredentials(settings: TlsSettings): TlsCredentials {
  const first = loadTlsMaterial(settings);
  if (!first.ok) throw new Error(`TLS is configured but cannot be used:\n  ${first.problems.join('\n  ')}`);
  const credentials = new ReloadableServerCredentials(first.options, settings.clientCaFile !== undefined);
  return {
    credentials,
    reload() {
      const loaded = loadTlsMaterial(settings);
      if (loaded.ok) credentials.replace(loaded.options);
      return loaded;
    },
  };
}
