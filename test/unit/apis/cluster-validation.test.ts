import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseGoUrl,
  validateKubeFedCluster,
  validateKubeFedClusterStatus,
} from '../../../src/apis/cluster-validation.ts';
import { sampleObjects } from '../../../src/apis/samples.ts';
import { conditionsForProbe, type ProbeOutcome } from '../../../src/federation/cluster-health.ts';
import type { JsonObject } from '../../../src/json/object.ts';

const DNS1123 =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for " +
  "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function cluster(spec: JsonObject = {}): JsonObject {
  const sample = sampleObjects('kube-federation-system').find((o) => o.kind === 'KubeFedCluster');
  assert.ok(sample);
  const copy = structuredClone(sample) as JsonObject;
  copy['spec'] = { ...(copy['spec'] as JsonObject), ...spec };
  return copy;
}

const endpointErrors = (apiEndpoint: string): string[] =>
  validateKubeFedCluster(cluster({ apiEndpoint }));

describe('validateKubeFedCluster', () => {
  it('accepts the sample', () => {
    assert.deepEqual(validateKubeFedCluster(cluster()), []);
  });

  it('accepts every endpoint form client-go does', () => {
    for (const endpoint of [
      'https://127.0.0.1:6443',
      'http://example.com',
      'https://api.example.com:443/',
      'example.com',
      'example.com:6443',
      '10.0.0.1',
      '10.0.0.1:6443',
      '[::1]:6443',
      'https://[2001:db8::1]',
    ]) {
      assert.deepEqual(endpointErrors(endpoint), [], endpoint);
    }
  });

  it('refuses a missing endpoint', () => {
    assert.deepEqual(endpointErrors(''), ['spec.apiEndpoint: Required value']);
  });

  it('refuses another scheme', () => {
    assert.deepEqual(endpointErrors('ftp://example.com'), [
      'spec.apiEndpoint: Unsupported value: "ftp": supported values: "http", "https"',
    ]);
  });

  it('refuses a port out of range, as Go parses it', () => {
    assert.deepEqual(endpointErrors('https://example.com:99999'), [
      'spec.apiEndpoint: Invalid value: 99999: must be between 1 and 65535, inclusive',
    ]);
    assert.deepEqual(endpointErrors('example.com:0'), [
      'spec.apiEndpoint: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
  });

  it('refuses a host that is neither an IP nor a DNS name', () => {
    assert.deepEqual(endpointErrors('https://Bad_Host:6443'), [
      `spec.apiEndpoint: Invalid value: "Bad_Host": ${IP}; or ${DNS1123}`,
    ]);
  });

  it('refuses a path', () => {
    assert.deepEqual(endpointErrors('https://example.com/api'), [
      'spec.apiEndpoint: Invalid value: "https://example.com/api": host must be a URL or a host:port pair: "https://example.com/api"',
    ]);
  });

  it('refuses a port that is not a number', () => {
    assert.deepEqual(endpointErrors('example.com:abc'), [
      'spec.apiEndpoint: Invalid value: "example.com:abc": parse "https://example.com:abc": invalid URL',
    ]);
  });

  it('wants a Secret name that is a DNS subdomain', () => {
    assert.deepEqual(validateKubeFedCluster(cluster({ secretRef: {} })), [
      'spec.secretRef.name: Required value',
    ]);
    assert.deepEqual(validateKubeFedCluster(cluster({ secretRef: { name: 'Token' } })), [
      `spec.secretRef.name: Invalid value: "Token": ${DNS1123}`,
    ]);
  });

  it('knows the TLS validations, and * alone', () => {
    assert.deepEqual(validateKubeFedCluster(cluster({ disabledTLSValidations: ['*'] })), []);
    assert.deepEqual(
      validateKubeFedCluster(
        cluster({ disabledTLSValidations: ['SubjectName', 'ValidityPeriod'] }),
      ),
      [],
    );
    assert.deepEqual(validateKubeFedCluster(cluster({ disabledTLSValidations: ['Hostname'] })), [
      'spec.disabledTLSValidations: Unsupported value: "Hostname": supported values: "*", "SubjectName", "ValidityPeriod"',
    ]);
    assert.deepEqual(
      validateKubeFedCluster(cluster({ disabledTLSValidations: ['*', 'SubjectName'] })),
      [
        'spec.disabledTLSValidations: Invalid value: ["*","SubjectName"]: when * is specified, it is expected to be the only option in list',
      ],
    );
  });

  it('wants a proxy URL of http, https or socks5 when one is set', () => {
    for (const proxyURL of ['', 'http://proxy:3128', 'https://proxy', 'socks5://127.0.0.1:1080']) {
      assert.deepEqual(validateKubeFedCluster(cluster({ proxyURL })), [], proxyURL);
    }
    assert.deepEqual(validateKubeFedCluster(cluster({ proxyURL: 'ftp://proxy' })), [
      'spec.proxyURL: Unsupported value: "ftp": supported values: "http", "https", "socks5"',
    ]);
    assert.deepEqual(validateKubeFedCluster(cluster({ proxyURL: 'proxy:3128' })), [
      'spec.proxyURL: Unsupported value: "proxy": supported values: "http", "https", "socks5"',
    ]);
  });

  it('reports every problem at once', () => {
    assert.deepEqual(validateKubeFedCluster({ spec: {} }), [
      'spec.apiEndpoint: Required value',
      'spec.secretRef.name: Required value',
    ]);
  });
});

describe('validateKubeFedClusterStatus', () => {
  const withConditions = (conditions: unknown): JsonObject => ({
    ...cluster({ apiEndpoint: '' }),
    status: { conditions },
  });

  it('accepts what the health checker writes, and ignores the spec', () => {
    const conditions = ['Ready', 'Offline', 'ConfigMalformed'].map((type) => ({
      type,
      status: 'True',
      lastProbeTime: '2026-12-02T04:00:00Z',
    }));
    assert.deepEqual(validateKubeFedClusterStatus(withConditions(conditions)), []);
    assert.deepEqual(validateKubeFedClusterStatus(cluster()), []);
  });

  it('accepts every status our health controller writes', () => {
    const outcomes: ProbeOutcome[] = [
      { kind: 'ok' },
      { kind: 'notOk' },
      { kind: 'unreachable', error: 'connection refused' },
      { kind: 'malformed' },
    ];
    for (const outcome of outcomes) {
      const conditions = conditionsForProbe(outcome, '2026-12-02T04:00:00Z');
      assert.deepEqual(validateKubeFedClusterStatus(withConditions(conditions)), [], outcome.kind);
    }
  });

  it('refuses unknown types and statuses, and a missing probe time', () => {
    assert.deepEqual(
      validateKubeFedClusterStatus(
        withConditions([
          { type: 'Ready', status: 'True', lastProbeTime: '2026-12-02T04:00:00Z' },
          { type: 'Healthy', status: 'Yes' },
        ]),
      ),
      [
        'status.conditions[1].type: Unsupported value: "Healthy": supported values: "Ready", "Offline", "ConfigMalformed"',
        'status.conditions[1].status: Unsupported value: "Yes": supported values: "True", "False", "Unknown"',
        'status.conditions[1].lastProbeTime: Required value',
      ],
    );
  });
});

describe('parseGoUrl', () => {
  it('splits like net/url', () => {
    assert.deepEqual(parseGoUrl('https://user@host.example:8443/x?q#f'), {
      scheme: 'https',
      host: 'host.example:8443',
      hostname: 'host.example',
      port: '8443',
      path: '/x',
    });
    assert.deepEqual(parseGoUrl('example.com:6443'), {
      scheme: 'example.com',
      host: '',
      hostname: '',
      port: '',
      path: '6443',
    });
    assert.equal(parseGoUrl('10.0.0.1:6443'), undefined);
    assert.equal(parseGoUrl('https://host:port'), undefined);
    assert.equal(parseGoUrl('https://[::1]:6443')?.hostname, '::1');
  });
});
