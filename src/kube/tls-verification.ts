// KubeFedCluster `spec.disabledTLSValidations` (spec §4.4): `*` turns verification off; the
// partial modes replace Node's verification with our own. `SubjectName` skips the host name
// check. `ValidityPeriod` checks the chain as if it were one second after the leaf's NotBefore.
// The chain must still lead to a trusted CA either way.
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, rootCertificates } from 'node:tls';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { TLSValidation } from '../apis/constants.ts';
import type { TlsOptions } from './connection.ts';

export interface PartialTlsVerification {
  checkSubjectName: boolean;
  checkValidityPeriod: boolean;
}

/** Which checks remain, or undefined when Node's standard verification applies unchanged. */
export function partialVerificationFor(
  disabled: readonly string[] | undefined,
): PartialTlsVerification | undefined {
  if (!disabled || disabled.length === 0 || disabled.includes(TLSValidation.All)) return undefined;
  for (const value of disabled) {
    if (value !== TLSValidation.SubjectName && value !== TLSValidation.ValidityPeriod) {
      throw new Error(
        `unknown TLS validation "${value}" in disabledTLSValidations (use *, SubjectName or ValidityPeriod)`,
      );
    }
  }
  return {
    checkSubjectName: !disabled.includes(TLSValidation.SubjectName),
    checkValidityPeriod: !disabled.includes(TLSValidation.ValidityPeriod),
  };
}

export interface ChainVerificationOptions extends PartialTlsVerification {
  /** PEM bundle of trusted CAs; the system's when absent. */
  caData?: string | undefined;
  /** Name the certificate must be valid for (when the subject name is checked). */
  hostname: string;
  now?: Date;
}

/** Verify a presented chain (leaf first). Returns the problem, or undefined when it is trusted. */
function verifyCertificateChain(
  chain: readonly X509Certificate[],
  options: ChainVerificationOptions,
): Error | undefined {
  const leaf = chain[0];
  if (!leaf) return tlsError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'the server sent no certificate');
  const at = options.checkValidityPeriod
    ? (options.now ?? new Date())
    : new Date(leaf.validFromDate.getTime() + 1000);
  const roots = trustedCertificates(options.caData);

  let current = leaf;
  for (let depth = 0; depth < 10; depth++) {
    const timeProblem = validityProblem(current, at);
    if (timeProblem) return timeProblem;
    if (roots.some((root) => root.fingerprint256 === current.fingerprint256)) break;
    const issuedBy = (candidate: X509Certificate): boolean =>
      current.checkIssued(candidate) && current.verify(candidate.publicKey);
    const root = roots.find(issuedBy);
    if (root) {
      const rootProblem = validityProblem(root, at);
      if (rootProblem) return rootProblem;
      break;
    }
    const next = chain.find(
      (c) => c.ca && c.fingerprint256 !== current.fingerprint256 && issuedBy(c),
    );
    if (!next) {
      return tlsError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'certificate signed by unknown authority');
    }
    current = next;
    if (depth === 9) return tlsError('CERT_CHAIN_TOO_LONG', 'certificate chain too long');
  }

  if (options.checkSubjectName) {
    const problem = checkServerIdentity(options.hostname, leaf.toLegacyObject());
    if (problem) return problem;
  }
  return undefined;
}

/**
 * An undici connector for a partial verification: TLS runs with Node's checks off, then we
 * check the presented chain before the socket carries a request (and its bearer token).
 */
export function partiallyVerifyingConnector(
  tls: TlsOptions,
  verification: PartialTlsVerification,
): buildConnector.connector {
  const base = buildConnector({ ...tls, rejectUnauthorized: false });
  return (options, callback) => {
    base(options, (err, socket) => {
      if (err) {
        callback(err, null);
        return;
      }
      if (!isTlsSocket(socket)) {
        callback(null, socket);
        return;
      }
      const problem = verifyCertificateChain(peerChain(socket), {
        ...verification,
        caData: tls.ca,
        hostname: tls.servername ?? options.hostname,
      });
      if (problem) {
        socket.destroy();
        callback(problem, null);
      } else {
        callback(null, socket);
      }
    });
  };
}

function isTlsSocket(socket: unknown): socket is TLSSocket {
  return typeof (socket as Partial<TLSSocket>).getPeerCertificate === 'function';
}

function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  // Without a certificate Node returns `{}`; the root's issuerCertificate is the root itself.
  let cert: Partial<DetailedPeerCertificate> = socket.getPeerCertificate(true);
  while (cert.raw && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate ?? {};
  }
  return chain;
}

const certificateCache = new Map<string, X509Certificate[]>();

function trustedCertificates(caData: string | undefined): X509Certificate[] {
  const key = caData ?? '';
  let certs = certificateCache.get(key);
  if (!certs) {
    const pems =
      caData === undefined
        ? rootCertificates
        : (caData.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []);
    certs = pems.map((pem) => new X509Certificate(pem));
    certificateCache.set(key, certs);
  }
  return certs;
}

function validityProblem(cert: X509Certificate, at: Date): Error | undefined {
  if (at < cert.validFromDate) {
    return tlsError('CERT_NOT_YET_VALID', `certificate ${cert.subject} is not yet valid`);
  }
  if (at > cert.validToDate) {
    return tlsError('CERT_HAS_EXPIRED', `certificate ${cert.subject} has expired`);
  }
  return undefined;
}

function tlsError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
