import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PropagatedVersionStatus } from '../../../../src/apis/types.ts';
import { canonicalJson, md5Hex } from '../../../../src/json/canonical-json.ts';
import {
  nextPropagatedVersionStatus,
  objectHashes,
  objectMetaEquivalent,
  objectNeedsUpdate,
  objectVersion,
  overridesVersion,
  propagatedVersionName,
  propagatedVersionObject,
  recordedVersions,
  templateVersion,
  type HashResult,
  type ObjectHashes,
} from '../../../../src/federation/propagation/version.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const fed = (spec: unknown): KubeObject => (spec === undefined ? {} : { spec });

function version(result: HashResult): string {
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.version;
}

describe('hash test vectors (spec §7.9)', () => {
  it('templateVersion', () => {
    assert.equal(
      version(templateVersion(fed({ template: { data: { foo: 'bar' } } }))),
      '4682012eb72f035cfe2b227efe7ca8c8',
    );
    assert.equal(
      version(
        templateVersion(
          fed({ template: { spec: { replicas: 2, selector: { matchLabels: { foo: 'bar' } } } } }),
        ),
      ),
      '1d2acce9503ce95fdbd63456bfe863f6',
    );
    assert.equal(
      canonicalJson({ data: { k: 'a<b&c>' } }),
      '{"data":{"k":"a\\u003cb\\u0026c\\u003e"}}\n',
    );
    assert.equal(
      version(templateVersion(fed({ template: { data: { k: 'a<b&c>' } } }))),
      '28c3cc1260fe4e6229f0ffbee52834bd',
    );
  });
  it('overridesVersion', () => {
    assert.equal(version(overridesVersion(fed({}))), '2979b7538b527abe06492021841caf47');
    assert.equal(md5Hex('{"overrides":null}\n'), '2979b7538b527abe06492021841caf47');
    assert.equal(
      version(
        overridesVersion(
          fed({
            overrides: [
              {
                clusterName: 'cluster1',
                clusterOverrides: [{ path: '/data', value: { foo: 'baz' } }],
              },
            ],
          }),
        ),
      ),
      '83ab4a072c6b38ec5b27715c2fe62c9d',
    );
    assert.equal(
      md5Hex(
        '{"overrides":[{"clusterName":"cluster1","clusterOverrides":[{"path":"/data","value":{"foo":"baz"}}]}]}\n',
      ),
      '83ab4a072c6b38ec5b27715c2fe62c9d',
    );
    assert.equal(
      version(
        overridesVersion(
          fed({
            overrides: [
              {
                clusterName: 'c1',
                clusterOverrides: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
              },
            ],
          }),
        ),
      ),
      '35f393e313027352296435611e047165',
    );
  });
});

describe('templateVersion', () => {
  it('is empty without a spec or template', () => {
    assert.equal(version(templateVersion({})), '');
    assert.equal(version(templateVersion(fed(null))), '');
    assert.equal(version(templateVersion(fed({}))), '');
  });
  it('hashes {} for an empty template', () => {
    assert.equal(version(templateVersion(fed({ template: {} }))), md5Hex('{}\n'));
  });
  it('ignores key order', () => {
    assert.equal(
      version(templateVersion(fed({ template: { b: 1, a: { y: 2, x: 1 } } }))),
      version(templateVersion(fed({ template: { a: { x: 1, y: 2 }, b: 1 } }))),
    );
  });
  it('keeps int64 digits given as bigint', () => {
    assert.equal(
      version(templateVersion(fed({ template: { n: 9007199254740993n } }))),
      md5Hex('{"n":9007199254740993}\n'),
    );
  });
  it('fails on a template that is not an object, as Go did', () => {
    assert.equal(templateVersion(fed({ template: null })).ok, false);
    assert.equal(templateVersion(fed({ template: 'x' })).ok, false);
    assert.equal(templateVersion(fed('x')).ok, false);
    assert.equal(templateVersion(fed({ template: { bad: Number.NaN } })).ok, false);
  });
});

describe('overridesVersion', () => {
  const hashOf = (text: string): string => md5Hex(`${text}\n`);
  it('is empty without a spec', () => {
    assert.equal(version(overridesVersion({})), '');
  });
  it('distinguishes null from an empty list', () => {
    assert.equal(version(overridesVersion(fed({ overrides: null }))), hashOf('{"overrides":null}'));
    assert.equal(version(overridesVersion(fed({ overrides: [] }))), hashOf('{"overrides":[]}'));
  });
  it('writes struct fields in declaration order, omitting empty ones', () => {
    const spec = {
      overrides: [
        {
          clusterOverrides: [{ value: { b: 1, a: 2 }, path: '/x', op: 'add' }],
          clusterName: 'z',
          extra: true,
        },
        { clusterName: 'a', clusterOverrides: [] },
        { clusterName: 'b', clusterOverrides: [{ path: '/y', op: '', value: null }] },
        {},
      ],
    };
    assert.equal(
      version(overridesVersion(fed(spec))),
      hashOf(
        '{"overrides":[{"clusterName":"z","clusterOverrides":[{"op":"add","path":"/x","value":{"a":2,"b":1}}]},' +
          '{"clusterName":"a"},{"clusterName":"b","clusterOverrides":[{"path":"/y"}]},{"clusterName":""}]}',
      ),
    );
  });
  it('keeps falsy values that are not null', () => {
    assert.equal(
      version(
        overridesVersion(
          fed({
            overrides: [
              {
                clusterName: 'c',
                clusterOverrides: [
                  { path: '/a', value: false },
                  { path: '/b', value: 0 },
                ],
              },
            ],
          }),
        ),
      ),
      hashOf(
        '{"overrides":[{"clusterName":"c","clusterOverrides":[{"path":"/a","value":false},{"path":"/b","value":0}]}]}',
      ),
    );
  });
  it('passes values through float64', () => {
    assert.equal(
      version(
        overridesVersion(
          fed({
            overrides: [
              { clusterName: 'c', clusterOverrides: [{ path: '/n', value: 9007199254740993n }] },
            ],
          }),
        ),
      ),
      hashOf(
        '{"overrides":[{"clusterName":"c","clusterOverrides":[{"path":"/n","value":9007199254740992}]}]}',
      ),
    );
    assert.equal(
      version(
        overridesVersion(
          fed({
            overrides: [{ clusterName: 'c', clusterOverrides: [{ path: '/n', value: 1e21 }] }],
          }),
        ),
      ),
      hashOf(
        '{"overrides":[{"clusterName":"c","clusterOverrides":[{"path":"/n","value":1e+21}]}]}',
      ),
    );
  });
  it('fails on wrongly typed overrides', () => {
    assert.equal(overridesVersion(fed({ overrides: [{ clusterName: 1 }] })).ok, false);
  });
  it('does not depend on the template', () => {
    assert.equal(
      version(overridesVersion(fed({ template: { a: 1 } }))),
      version(overridesVersion(fed({}))),
    );
  });
});

describe('objectHashes', () => {
  it('returns both hashes or the first error', () => {
    assert.deepEqual(objectHashes(fed({ template: { data: { foo: 'bar' } } })), {
      ok: true,
      hashes: {
        templateVersion: '4682012eb72f035cfe2b227efe7ca8c8',
        overridesVersion: '2979b7538b527abe06492021841caf47',
      },
    });
    assert.equal(objectHashes(fed({ template: 5 })).ok, false);
    assert.equal(objectHashes(fed({ overrides: 5 })).ok, false);
  });
});

describe('objectVersion', () => {
  it('uses the generation when there is one, else the resourceVersion', () => {
    assert.equal(objectVersion({ metadata: { generation: 3, resourceVersion: '99' } }), 'gen:3');
    assert.equal(objectVersion({ metadata: { generation: 0, resourceVersion: '99' } }), 'rv:99');
    assert.equal(objectVersion({ metadata: { resourceVersion: '99' } }), 'rv:99');
    assert.equal(objectVersion({}), 'rv:');
  });
});

describe('propagatedVersionName / propagatedVersionObject', () => {
  it('names the object <lower kind>-<name>', () => {
    assert.equal(propagatedVersionName('Deployment', 'web'), 'deployment-web');
    assert.equal(propagatedVersionName('ClusterRole', 'admin'), 'clusterrole-admin');
  });
  it('builds a namespaced PropagatedVersion owned by the federated object', () => {
    const fedObj = {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'cfg', namespace: 'demo', uid: 'u1' },
      spec: {},
    };
    assert.deepEqual(propagatedVersionObject(fedObj, 'ConfigMap'), {
      apiVersion: 'core.kubefed.io/v1alpha1',
      kind: 'PropagatedVersion',
      metadata: {
        name: 'configmap-cfg',
        namespace: 'demo',
        ownerReferences: [
          {
            apiVersion: 'types.kubefed.io/v1beta1',
            kind: 'FederatedConfigMap',
            name: 'cfg',
            uid: 'u1',
          },
        ],
      },
    });
  });
  it('builds a ClusterPropagatedVersion for cluster-scoped federated objects', () => {
    const out = propagatedVersionObject(
      { kind: 'FederatedClusterRole', metadata: { name: 'admin' } },
      'ClusterRole',
    );
    assert.equal(out.kind, 'ClusterPropagatedVersion');
    assert.equal(out.metadata?.namespace, undefined);
    assert.equal(out.metadata?.name, 'clusterrole-admin');
  });
  it('a FederatedNamespace gets its version in its own namespace', () => {
    const out = propagatedVersionObject(
      { kind: 'FederatedNamespace', metadata: { name: 'foo', namespace: 'foo' } },
      'Namespace',
    );
    assert.deepEqual(
      [out.kind, out.metadata?.namespace, out.metadata?.name],
      ['PropagatedVersion', 'foo', 'namespace-foo'],
    );
  });
});

describe('recordedVersions', () => {
  const hashes: ObjectHashes = { templateVersion: 't', overridesVersion: 'o' };
  const stored: PropagatedVersionStatus = {
    templateVersion: 't',
    overridesVersion: 'o',
    clusterVersions: [{ clusterName: 'a', version: 'rv:1' }],
  };
  it('returns the stored versions when the hashes match', () => {
    assert.deepEqual([...recordedVersions(stored, hashes)], [['a', 'rv:1']]);
  });
  it('returns none when either hash differs or nothing is stored', () => {
    assert.equal(recordedVersions(stored, { ...hashes, templateVersion: 'x' }).size, 0);
    assert.equal(recordedVersions(stored, { ...hashes, overridesVersion: 'x' }).size, 0);
    assert.equal(recordedVersions(undefined, hashes).size, 0);
    assert.equal(recordedVersions({ templateVersion: 't', overridesVersion: 'o' }, hashes).size, 0);
  });
});

describe('nextPropagatedVersionStatus', () => {
  const hashes: ObjectHashes = { templateVersion: 't', overridesVersion: 'o' };
  const stored: PropagatedVersionStatus = {
    templateVersion: 't',
    overridesVersion: 'o',
    clusterVersions: [
      { clusterName: 'a', version: 'rv:1' },
      { clusterName: 'b', version: 'rv:2' },
      { clusterName: 'c', version: 'gen:3' },
    ],
  };

  it('writes a first status with the new versions, sorted', () => {
    const next = nextPropagatedVersionStatus(
      undefined,
      hashes,
      ['b', 'a'],
      new Map([
        ['b', 'rv:9'],
        ['a', 'rv:8'],
      ]),
    );
    assert.deepEqual(next, {
      status: {
        templateVersion: 't',
        overridesVersion: 'o',
        clusterVersions: [
          { clusterName: 'a', version: 'rv:8' },
          { clusterName: 'b', version: 'rv:9' },
        ],
      },
      write: true,
    });
  });
  it('keeps stored versions of selected clusters not updated, drops unselected ones', () => {
    const next = nextPropagatedVersionStatus(stored, hashes, ['a', 'b'], new Map([['b', 'rv:5']]));
    assert.deepEqual(next.status.clusterVersions, [
      { clusterName: 'a', version: 'rv:1' },
      { clusterName: 'b', version: 'rv:5' },
    ]);
    assert.equal(next.write, true);
  });
  it('does not write when nothing changed', () => {
    const next = nextPropagatedVersionStatus(stored, hashes, ['a', 'b', 'c'], new Map());
    assert.deepEqual(next, { status: stored, write: false });
    assert.equal(
      nextPropagatedVersionStatus(stored, hashes, ['a', 'b', 'c'], new Map([['a', 'rv:1']])).write,
      false,
    );
  });
  it('starts over when the hashes changed', () => {
    const next = nextPropagatedVersionStatus(
      stored,
      { ...hashes, overridesVersion: 'o2' },
      ['a', 'b', 'c'],
      new Map([['a', 'rv:7']]),
    );
    assert.deepEqual(next, {
      status: {
        templateVersion: 't',
        overridesVersion: 'o2',
        clusterVersions: [{ clusterName: 'a', version: 'rv:7' }],
      },
      write: true,
    });
  });
  it('drops empty versions and leaves out an empty list', () => {
    const next = nextPropagatedVersionStatus(undefined, hashes, ['a'], new Map([['a', '']]));
    assert.deepEqual(next.status, { templateVersion: 't', overridesVersion: 'o' });
  });
  it('treats an absent and an empty stored list alike', () => {
    assert.equal(
      nextPropagatedVersionStatus(
        { templateVersion: 't', overridesVersion: 'o' },
        hashes,
        [],
        new Map(),
      ).write,
      false,
    );
    assert.equal(
      nextPropagatedVersionStatus(
        { templateVersion: 't', overridesVersion: 'o', clusterVersions: [] },
        hashes,
        [],
        new Map(),
      ).write,
      false,
    );
  });
  it('sorts cluster names by bytes', () => {
    const next = nextPropagatedVersionStatus(
      undefined,
      hashes,
      [],
      new Map([
        ['b', 'rv:1'],
        ['B', 'rv:1'],
        ['a-1', 'rv:1'],
        ['a', 'rv:1'],
      ]),
    );
    assert.deepEqual(
      next.status.clusterVersions?.map((v) => v.clusterName),
      ['B', 'a', 'a-1', 'b'],
    );
  });
});

describe('objectNeedsUpdate', () => {
  const desired: KubeObject = {
    metadata: { name: 'x', namespace: 'ns', labels: { 'kubefed.io/managed': 'true' } },
  };
  it('updates when the live version differs from the recorded one', () => {
    const live = {
      metadata: {
        name: 'x',
        namespace: 'ns',
        resourceVersion: '5',
        labels: { 'kubefed.io/managed': 'true' },
      },
    };
    assert.equal(objectNeedsUpdate(desired, live, 'rv:5'), false);
    assert.equal(objectNeedsUpdate(desired, live, 'rv:4'), true);
    assert.equal(objectNeedsUpdate(desired, live, undefined), true);
    assert.equal(objectNeedsUpdate(desired, live, ''), true);
  });
  it('ignores metadata drift for resourceVersion-based objects', () => {
    const live = {
      metadata: { name: 'x', namespace: 'ns', resourceVersion: '5', labels: { other: 'y' } },
    };
    assert.equal(objectNeedsUpdate(desired, live, 'rv:5'), false);
  });
  it('checks name, namespace, labels and annotations for generation-based objects', () => {
    const live = {
      metadata: {
        name: 'x',
        namespace: 'ns',
        generation: 2,
        labels: { 'kubefed.io/managed': 'true' },
      },
    };
    assert.equal(objectNeedsUpdate(desired, live, 'gen:2'), false);
    assert.equal(
      objectNeedsUpdate(desired, { metadata: { ...live.metadata, labels: {} } }, 'gen:2'),
      true,
    );
    assert.equal(
      objectNeedsUpdate(
        desired,
        { metadata: { ...live.metadata, annotations: { a: 'b' } } },
        'gen:2',
      ),
      true,
    );
    assert.equal(objectNeedsUpdate(desired, live, 'gen:1'), true);
  });
});

describe('objectMetaEquivalent', () => {
  it('treats absent and empty maps alike', () => {
    assert.ok(
      objectMetaEquivalent(
        { metadata: { name: 'a', labels: {} } },
        { metadata: { name: 'a', annotations: {} } },
      ),
    );
    assert.ok(objectMetaEquivalent({}, { metadata: { name: '' } }));
    assert.ok(!objectMetaEquivalent({ metadata: { name: 'a' } }, { metadata: { name: 'b' } }));
    assert.ok(!objectMetaEquivalent({ metadata: { namespace: 'a' } }, { metadata: {} }));
  });
});
