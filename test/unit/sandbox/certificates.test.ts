import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { makeServingCertificate } from '../../../src/sandbox/certificates.ts';

describe('makeServingCertificate', () => {
  const now = new Date('2026-12-02T04:00:00Z');
  const made = makeServingCertificate('kubefed-webhook', ['127.0.0.1', 'localhost', '::1'], {
    now,
    days: 2,
  });
  const leaf = new X509Certificate(made.cert);
  const ca = new X509Certificate(made.caCert);

  it('makes a CA that signed a serving certificate for the hosts', () => {
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.equal(ca.subject, 'CN=kubefed-webhook-ca');
    assert.equal(leaf.subject, 'CN=kubefed-webhook');
    assert.equal(leaf.issuer, ca.subject);
    assert.ok(leaf.checkIssued(ca));
    assert.ok(leaf.verify(ca.publicKey));
    assert.ok(ca.verify(ca.publicKey));
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkIP('::1'), '::1');
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkIP('127.0.0.2'), undefined);
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  });

  it('writes serials OpenSSL reads, whatever their random bytes', () => {
    // A serial whose random first byte is 0 is refused ("illegal padding") unless it is left
    // out of the DER form: 1 in 256 certificates did before. 2000 serials miss it with odds
    // below 1 in 2000.
    for (let i = 0; i < 1000; i++) {
      const pair = makeServingCertificate('serial-check', ['127.0.0.1']);
      for (const pem of [pair.cert, pair.caCert]) {
        const serial = new X509Certificate(pem).serialNumber;
        assert.match(serial, /^[4-7][0-9A-F]{31}$/);
      }
    }
  });

  it('is valid from an hour before now for the days asked', () => {
    assert.equal(leaf.validFromDate.toISOString(), '2026-12-02T03:00:00.000Z');
    assert.equal(leaf.validToDate.toISOString(), '2026-12-04T04:00:00.000Z');
  });

  it('gives the key that goes with the certificate', () => {
    assert.ok(leaf.checkPrivateKey(createPrivateKey(made.key)));
    assert.ok(!ca.checkPrivateKey(createPrivateKey(made.key)));
  });

  it('writes GeneralizedTime from 2050 on', () => {
    const late = makeServingCertificate('x', ['localhost'], {
      now: new Date('2049-12-31T00:00:00Z'),
      days: 10,
    });
    assert.equal(
      new X509Certificate(late.cert).validToDate.toISOString(),
      '2050-01-10T00:00:00.000Z',
    );
  });
});
