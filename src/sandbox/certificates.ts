// A CA and a serving certificate it signs, made with node:crypto alone (no openssl): what the
// sandbox and the tests give kubefed-webhook, whose caller (the apiserver) verifies it against
// the CA in the webhook configuration. ECDSA P-256, SHA-256; the X.509 v3 structure is written
// in DER by hand since Node parses certificates but does not make them.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

export interface CertificateAndKey {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

export interface ServingCertificate extends CertificateAndKey {
  /** PEM of the CA that signed it: the webhook configuration's caBundle. */
  caCert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A new CA (`<name>-ca`) and a serving certificate signed by it for `hosts` (IP addresses or DNS
 * names), valid from an hour ago (clock skew) for `days`.
 */
export function makeServingCertificate(
  name: string,
  hosts: readonly string[],
  options: { days?: number; now?: Date } = {},
): ServingCertificate {
  const now = options.now ?? new Date();
  const validity = {
    from: new Date(now.getTime() - 60 * 60 * 1000),
    to: new Date(now.getTime() + (options.days ?? 365) * DAY_MS),
  };
  const ca = newKeyPair();
  const caName = distinguishedName(`${name}-ca`);
  const caCert = certificate({
    subject: caName,
    issuer: caName,
    subjectKey: ca.publicKey,
    issuerKey: ca.privateKey,
    validity,
    extensions: [
      extension(OID.basicConstraints, true, sequence(booleanTrue())),
      extension(OID.keyUsage, true, keyUsage({ certSign: true, digitalSignature: true })),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(ca.publicKey))),
    ],
  });
  const leaf = newKeyPair();
  const leafCert = certificate({
    subject: distinguishedName(name),
    issuer: caName,
    subjectKey: leaf.publicKey,
    issuerKey: ca.privateKey,
    validity,
    extensions: [
      extension(OID.keyUsage, true, keyUsage({ digitalSignature: true, certSign: false })),
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, subjectAltNames(hosts)),
      extension(
        OID.authorityKeyIdentifier,
        false,
        sequence(tagged(0x80, keyIdentifier(ca.publicKey))),
      ),
    ],
  });
  return {
    cert: pem('CERTIFICATE', leafCert),
    key: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    caCert: pem('CERTIFICATE', caCert),
  };
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function certificate(fields: {
  subject: Buffer;
  issuer: Buffer;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  validity: { from: Date; to: Date };
  extensions: Buffer[];
}): Buffer {
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  // A positive serial in DER's minimal form: the first byte's top bit clear (else it would be
  // negative) and the first byte not 0 (a 0 before a byte < 0x80 is padding DER forbids, and
  // OpenSSL refuses the certificate: 1 in 256 random serials did).
  const serial = randomBytes(16);
  serial[0] = 0x40 | ((serial[0] ?? 0) & 0x3f);
  const tbs = sequence(
    tagged(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    fields.issuer,
    sequence(time(fields.validity.from), time(fields.validity.to)),
    fields.subject,
    fields.subjectKey.export({ type: 'spki', format: 'der' }),
    tagged(0xa3, sequence(...fields.extensions)),
  );
  const signature = sign('sha256', tbs, fields.issuerKey);
  return sequence(tbs, algorithm, bitString(signature));
}

function distinguishedName(commonName: string): Buffer {
  return sequence(set(sequence(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName)))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [booleanTrue()] : []), octetString(value));
}

function keyUsage(usage: { digitalSignature: boolean; certSign: boolean }): Buffer {
  // Bit 0 digitalSignature, bit 5 keyCertSign; DER drops trailing zero bits.
  if (usage.certSign) return tlv(0x03, Buffer.from([0x01, 0x84]));
  return tlv(0x03, Buffer.from([0x07, 0x80]));
}

function subjectAltNames(hosts: readonly string[]): Buffer {
  return sequence(
    ...hosts.map((host) =>
      isIP(host) === 0 ? tagged(0x82, Buffer.from(host)) : tagged(0x87, ipBytes(host)),
    ),
  );
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  // IPv6: expand `::`, then 8 groups of 2 bytes.
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [
        ...headGroups,
        ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
        ...tailGroups,
      ]
    : headGroups;
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

function keyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function time(date: Date): Buffer {
  // UTCTime up to 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes);
}

function booleanTrue(): Buffer {
  return tlv(0x01, Buffer.from([0xff]));
}

function octetString(bytes: Buffer): Buffer {
  return tlv(0x04, bytes);
}

function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function tagged(tag: number, content: Buffer): Buffer {
  return tlv(tag, content);
}

/** DER tag-length-value. */
function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const lengthBytes: number[] = [];
    for (let n = length; n > 0; n >>>= 8) lengthBytes.unshift(n & 0xff);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
