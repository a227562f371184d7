import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloneJson } from '../../../../src/json/json-patch.ts';
import { retainInto } from '../../../../src/federation/propagation/retain.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

function retained(
  kind: string,
  desired: KubeObject,
  live: KubeObject,
  fed: KubeObject = { spec: {} },
): KubeObject {
  const before = cloneJson(live);
  const object = cloneJson(desired);
  const error = retainInto(kind, object, live, fed);
  assert.equal(error, undefined);
  assert.deepEqual(live, before, 'the live object must not change');
  return object;
}

function retainError(
  kind: string,
  desired: KubeObject,
  live: KubeObject,
  fed: KubeObject = { spec: {} },
): string {
  const error = retainInto(kind, cloneJson(desired), live, fed);
  assert.ok(error !== undefined);
  return error;
}

describe('retained fields: every kind', () => {
  it('takes resourceVersion, finalizers and annotations from the live object', () => {
    const desired = {
      kind: 'ConfigMap',
      metadata: { name: 'x', annotations: { mine: 'x' }, finalizers: ['mine'] },
    };
    const live = {
      metadata: {
        name: 'x',
        resourceVersion: '42',
        annotations: { theirs: 'y' },
        finalizers: ['theirs'],
      },
    };
    assert.deepEqual(retained('ConfigMap', desired, live).metadata, {
      name: 'x',
      resourceVersion: '42',
      annotations: { theirs: 'y' },
      finalizers: ['theirs'],
    });
  });
  it('removes them when the live object has none', () => {
    const desired = {
      metadata: { resourceVersion: '1', annotations: { a: 'b' }, finalizers: ['f'] },
    };
    assert.deepEqual(retained('ConfigMap', desired, { metadata: {} }).metadata, {});
    assert.deepEqual(retained('ConfigMap', {}, {}).metadata, {});
  });
  it('does not share arrays or maps with the live object', () => {
    const live = { metadata: { annotations: { a: 'b' }, finalizers: ['f'] } };
    const out = retained('ConfigMap', {}, live);
    assert.notEqual(out.metadata?.annotations, live.metadata.annotations);
    assert.notEqual(out.metadata?.finalizers, live.metadata.finalizers);
  });
  it('fails when metadata is not an object', () => {
    retainError('ConfigMap', { metadata: 'x' } as unknown as KubeObject, {});
  });
});

describe('retained fields: Service', () => {
  const live = {
    metadata: { resourceVersion: '7' },
    spec: {
      clusterIP: '10.0.0.5',
      clusterIPs: ['10.0.0.5', 'fd00::5'],
      healthCheckNodePort: 31000,
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
        { name: 'https', protocol: 'TCP', port: 443, nodePort: 30443 },
        { protocol: 'UDP', port: 53, nodePort: 30053 },
      ],
    },
  };

  it('keeps cluster IPs, the health-check port and matching nodePorts', () => {
    const desired = {
      kind: 'Service',
      spec: {
        type: 'LoadBalancer',
        ports: [
          { name: 'http', protocol: 'TCP', port: 80 },
          { name: 'https', protocol: 'TCP', port: 8443 },
          { protocol: 'UDP', port: 53, nodePort: 1 },
        ],
      },
    };
    assert.deepEqual(retained('Service', desired, live).spec, {
      type: 'LoadBalancer',
      clusterIP: '10.0.0.5',
      clusterIPs: ['10.0.0.5', 'fd00::5'],
      healthCheckNodePort: 31000,
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
        { name: 'https', protocol: 'TCP', port: 8443 },
        { protocol: 'UDP', port: 53, nodePort: 30053 },
      ],
    });
  });
  it('needs name, protocol and port to be equal (no protocol defaulting)', () => {
    const desired = { spec: { ports: [{ name: 'http', port: 80 }] } };
    assert.deepEqual((retained('Service', desired, live).spec as { ports?: unknown }).ports, [
      { name: 'http', port: 80 },
    ]);
  });
  it('skips empty or zero values', () => {
    const out = retained(
      'Service',
      { spec: { clusterIP: 'None' } },
      { spec: { clusterIP: '', clusterIPs: [], healthCheckNodePort: 0 } },
    );
    assert.deepEqual(out.spec, { clusterIP: 'None' });
  });
  it('gives the desired object an empty ports list when only the live one has ports', () => {
    assert.deepEqual(retained('Service', { spec: {} }, { spec: { ports: [] } }).spec, {
      ports: [],
    });
  });
  it('creates spec when the template had none', () => {
    assert.deepEqual(retained('Service', {}, { spec: { clusterIP: '1.2.3.4' } }).spec, {
      clusterIP: '1.2.3.4',
    });
  });
  it('does not retain replicas', () => {
    const out = retained(
      'Service',
      { spec: {} },
      { spec: { replicas: 3 } },
      { spec: { retainReplicas: true } },
    );
    assert.deepEqual(out.spec, {});
  });
  it('fails on live fields of the wrong type', () => {
    assert.match(
      retainError('Service', {}, { spec: { healthCheckNodePort: '1' } }),
      /healthCheckNodePort/,
    );
    assert.match(retainError('Service', {}, { spec: { clusterIP: 5 } }), /clusterIP/);
    assert.match(retainError('Service', {}, { spec: { clusterIPs: 'x' } }), /clusterIPs/);
    assert.match(retainError('Service', {}, { spec: { ports: {} } }), /ports/);
    assert.match(
      retainError('Service', { spec: { ports: ['x'] } }, { spec: { ports: [{}] } }),
      /not an object/,
    );
    assert.match(
      retainError('Service', { spec: 'x' }, { spec: { clusterIP: '1.1.1.1' } }),
      /not an object/,
    );
  });
});

describe('retained fields: ServiceAccount', () => {
  const live = { secrets: [{ name: 'sa-token-abc' }] };
  it('keeps generated secrets when the template has none', () => {
    assert.deepEqual(retained('ServiceAccount', {}, live).secrets, [{ name: 'sa-token-abc' }]);
    assert.deepEqual(retained('ServiceAccount', { secrets: [] }, live).secrets, [
      { name: 'sa-token-abc' },
    ]);
  });
  it('leaves template secrets alone', () => {
    assert.deepEqual(retained('ServiceAccount', { secrets: [{ name: 'mine' }] }, live).secrets, [
      { name: 'mine' },
    ]);
  });
  it('does not add an empty list', () => {
    assert.equal(retained('ServiceAccount', {}, { secrets: [] }).secrets, undefined);
  });
  it('fails on a non-list', () => {
    retainError('ServiceAccount', {}, { secrets: 'x' });
    retainError('ServiceAccount', { secrets: 'x' }, live);
  });
});

describe('retained fields: replicas', () => {
  const live = { spec: { replicas: 7 } };
  it('keeps live replicas with retainReplicas: true', () => {
    assert.deepEqual(
      retained('Deployment', { spec: { replicas: 2 } }, live, { spec: { retainReplicas: true } })
        .spec,
      { replicas: 7 },
    );
  });
  it('uses the template otherwise', () => {
    assert.deepEqual(
      retained('Deployment', { spec: { replicas: 2 } }, live, { spec: { retainReplicas: false } })
        .spec,
      { replicas: 2 },
    );
    assert.deepEqual(retained('Deployment', { spec: { replicas: 2 } }, live).spec, { replicas: 2 });
  });
  it('leaves the template when the live object has no replicas', () => {
    assert.deepEqual(
      retained('Deployment', { spec: { replicas: 2 } }, {}, { spec: { retainReplicas: true } })
        .spec,
      { replicas: 2 },
    );
  });
  it('fails on wrong types', () => {
    retainError('Deployment', {}, live, { spec: { retainReplicas: 'yes' } });
    retainError('Deployment', {}, { spec: { replicas: 1.5 } }, { spec: { retainReplicas: true } });
  });
});
