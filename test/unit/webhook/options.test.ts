import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CERT_DIR, parseWebhookOptions } from '../../../src/webhook/options.ts';

describe('parseWebhookOptions', () => {
  it("has KubeFed's defaults", () => {
    assert.deepEqual(parseWebhookOptions([]), {
      certDir: DEFAULT_CERT_DIR,
      securePort: 8443,
      bindAddress: '0.0.0.0',
      verbosity: 0,
      loggingFormat: 'text',
      version: false,
      help: false,
    });
  });

  it('reads the chart flags and the accepted-but-unused API flags', () => {
    assert.deepEqual(
      parseWebhookOptions([
        '--cert-dir=/var/serving-cert',
        '--secure-port=9443',
        '--bind-address',
        '127.0.0.1',
        '--kubeconfig',
        '/k',
        '--master=https://h',
        '--v=4',
        '--logging-format=json',
      ]),
      {
        certDir: '/var/serving-cert',
        securePort: 9443,
        bindAddress: '127.0.0.1',
        kubeconfig: '/k',
        master: 'https://h',
        verbosity: 4,
        loggingFormat: 'json',
        version: false,
        help: false,
      },
    );
  });

  it('says what is wrong with a flag', () => {
    assert.throws(
      () => parseWebhookOptions(['--secure-port=https']),
      /--secure-port must be a port number \(0-65535\), got "https"/,
    );
    assert.throws(() => parseWebhookOptions(['--secure-port=70000']), /--secure-port/);
    assert.throws(() => parseWebhookOptions(['--v=-1']), /--v must be a whole number >= 0/);
    assert.throws(
      () => parseWebhookOptions(['--logging-format=xml']),
      /--logging-format must be text or json, got "xml"/,
    );
    assert.throws(() => parseWebhookOptions(['--cert-dir=']), /--cert-dir must not be empty/);
    assert.throws(() => parseWebhookOptions(['--port=1']), /Unknown option '--port'/);
  });
});
