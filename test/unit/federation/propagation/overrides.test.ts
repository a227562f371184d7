import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FORBIDDEN_OVERRIDE_PATHS,
  applyOverrides,
  decodeOverrides,
  overridesForCluster,
  parseOverrides,
} from '../../../../src/federation/propagation/overrides.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const fed = (overrides: unknown): KubeObject => ({ spec: { overrides } });

function parsed(obj: KubeObject): Map<string, unknown> {
  const result = parseOverrides(obj);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return new Map(result.overrides);
}

function parseError(obj: KubeObject): string {
  const result = parseOverrides(obj);
  assert.equal(result.ok, false);
  return result.error;
}

describe('parseOverrides', () => {
  it('has no overrides without spec or spec.overrides', () => {
    assert.equal(parsed({}).size, 0);
    assert.equal(parsed({ spec: {} }).size, 0);
    assert.equal(parsed(fed(null)).size, 0);
    assert.equal(parsed(fed([])).size, 0);
  });
  it('maps each cluster to a JSON patch, op defaulting to replace', () => {
    const overrides = parsed(
      fed([
        {
          clusterName: 'c1',
          clusterOverrides: [
            { path: '/spec/replicas', value: 5 },
            { op: '', path: '/a', value: 'x' },
            { op: 'add', path: '/metadata/labels/x', value: 'y' },
            { op: 'remove', path: '/data/k' },
          ],
        },
        { clusterName: 'c2' },
      ]),
    );
    assert.deepEqual(overrides.get('c1'), [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'replace', path: '/a', value: 'x' },
      { op: 'add', path: '/metadata/labels/x', value: 'y' },
      { op: 'remove', path: '/data/k' },
    ]);
    assert.deepEqual(overrides.get('c2'), []);
  });
  it('drops null values (Go omitempty) and unknown fields', () => {
    const overrides = parsed(
      fed([
        { clusterName: 'c', extra: 1, clusterOverrides: [{ path: '/a', value: null, from: '/b' }] },
      ]),
    );
    assert.deepEqual(overrides.get('c'), [{ op: 'replace', path: '/a' }]);
  });
  it('keeps falsy values that are not null', () => {
    const overrides = parsed(
      fed([
        {
          clusterName: 'c',
          clusterOverrides: [
            { path: '/a', value: 0 },
            { path: '/b', value: false },
            { path: '/c', value: '' },
          ],
        },
      ]),
    );
    assert.deepEqual(overrides.get('c')?.valueOf(), [
      { op: 'replace', path: '/a', value: 0 },
      { op: 'replace', path: '/b', value: false },
      { op: 'replace', path: '/c', value: '' },
    ]);
  });
  it('rejects a cluster listed twice', () => {
    assert.equal(
      parseError(fed([{ clusterName: 'c1' }, { clusterName: 'c1' }])),
      'cluster "c1" appears more than once',
    );
  });
  it('rejects a path listed twice for one cluster, not across clusters', () => {
    assert.equal(
      parseError(
        fed([
          { clusterName: 'c1', clusterOverrides: [{ path: '/a' }, { op: 'remove', path: '/a' }] },
        ]),
      ),
      'path "/a" appears more than once for cluster "c1"',
    );
    parsed(
      fed([
        { clusterName: 'c1', clusterOverrides: [{ path: '/a' }] },
        { clusterName: 'c2', clusterOverrides: [{ path: '/a' }] },
      ]),
    );
  });
  it('rejects name, namespace, generateName and kind, exactly', () => {
    assert.deepEqual([...FORBIDDEN_OVERRIDE_PATHS].sort(), [
      '/kind',
      '/metadata/generateName',
      '/metadata/name',
      '/metadata/namespace',
    ]);
    for (const path of FORBIDDEN_OVERRIDE_PATHS) {
      assert.equal(
        parseError(fed([{ clusterName: 'c', clusterOverrides: [{ path: '/ok' }, { path }] }])),
        `override[1] for cluster "c" has an invalid path: ${path}`,
      );
    }
    parsed(
      fed([
        {
          clusterName: 'c',
          clusterOverrides: [
            { path: '/apiVersion', value: 'v2' },
            { path: '/metadata/labels' },
            { path: '/metadata/name/x' },
          ],
        },
      ]),
    );
  });
  it('fails on fields of the wrong type, like Go decoding', () => {
    assert.match(parseError(fed({})), /cannot unmarshal object into spec.overrides/);
    assert.match(
      parseError(fed([{ clusterName: 5 }])),
      /spec.overrides\[0\].clusterName of type string/,
    );
    assert.match(
      parseError(fed([{ clusterName: 'c', clusterOverrides: {} }])),
      /clusterOverrides of type array/,
    );
    assert.match(
      parseError(fed([{ clusterName: 'c', clusterOverrides: [{ path: 1 }] }])),
      /path of type string/,
    );
    assert.match(
      parseError(fed([{ clusterName: 'c', clusterOverrides: [{ path: '/a', op: true }] }])),
      /op of type string/,
    );
    assert.match(parseError({ spec: 'x' }), /cannot unmarshal string into spec/);
    assert.match(parseError(fed(['c'])), /cannot unmarshal string into spec.overrides\[0\]/);
  });
  it('decodes null items as zero values', () => {
    const decoded = decodeOverrides({
      overrides: [null, { clusterName: 'c', clusterOverrides: [null] }],
    });
    assert.deepEqual(decoded, {
      ok: true,
      items: [
        { clusterName: '', clusterOverrides: [] },
        { clusterName: 'c', clusterOverrides: [{ op: '', path: '' }] },
      ],
    });
  });
});

describe('parseOverrides: overrides KubeFed applied in a way nobody meant fail their cluster', () => {
  function invalid(overrides: unknown): Record<string, string> {
    const result = parseOverrides(fed(overrides));
    assert.ok(result.ok, result.ok ? '' : result.error);
    return Object.fromEntries(result.invalid);
  }
  const one = (override: Record<string, unknown>): Record<string, string> =>
    invalid([{ clusterName: 'c1', clusterOverrides: [override] }]);

  it('accepts add, remove and replace (the default) with what they need', () => {
    assert.deepEqual(
      invalid([
        {
          clusterName: 'c1',
          clusterOverrides: [
            { path: '/a', value: 1 },
            { op: 'add', path: '/b', value: { x: 'y' } },
            { op: 'remove', path: '/c' },
            { op: 'replace', path: '/d', value: false },
          ],
        },
      ]),
      {},
    );
  });
  it('a path without its leading "/": KubeFed dropped its first token', () => {
    assert.deepEqual(one({ path: 'spec.replicas', value: 5 }), {
      c1: 'spec.overrides[0].clusterOverrides[0] (path "spec.replicas"): the path must be a JSON pointer starting with "/", e.g. "/spec/replicas"',
    });
    assert.deepEqual(one({ path: '', value: { kind: 'ConfigMap' } }), {
      c1: 'spec.overrides[0].clusterOverrides[0] (path ""): the path must be a JSON pointer starting with "/"',
    });
  });
  it('an op other than add, remove or replace', () => {
    for (const op of ['move', 'copy', 'test', 'Replace', 'delete']) {
      assert.deepEqual(one({ op, path: '/a', value: 1 }), {
        c1: `spec.overrides[0].clusterOverrides[0] (path "/a"): op "${op}" is not supported: use add, remove or replace (the default)`,
      });
    }
  });
  it('add or replace without a value: KubeFed wrote null', () => {
    for (const op of ['add', 'replace', '']) {
      assert.deepEqual(one({ op, path: '/spec/replicas' }), {
        c1: `spec.overrides[0].clusterOverrides[0] (path "/spec/replicas"): op "${op || 'replace'}" needs a value: set value, or use op "remove" to delete the field`,
      });
    }
    assert.deepEqual(
      one({ op: 'add', path: '/a', value: null })['c1']?.includes('needs a value'),
      true,
    );
  });
  it('names the first problem of each cluster, and leaves the other clusters alone', () => {
    assert.deepEqual(
      invalid([
        { clusterName: 'ok', clusterOverrides: [{ path: '/a', value: 1 }] },
        {
          clusterName: 'bad',
          clusterOverrides: [
            { path: '/a', value: 1 },
            { path: 'b', value: 1 },
            { op: 'test', path: '/c', value: 1 },
          ],
        },
      ]),
      {
        bad: 'spec.overrides[1].clusterOverrides[1] (path "b"): the path must be a JSON pointer starting with "/", e.g. "/b"',
      },
    );
  });
  it('KubeFed’s own errors still fail every cluster', () => {
    assert.match(
      parseError(fed([{ clusterName: 'c', clusterOverrides: [{ path: 'x' }, { path: 'x' }] }])),
      /appears more than once/,
    );
  });
});

describe('overridesForCluster', () => {
  it('is empty for clusters without overrides', () => {
    const result = parseOverrides(
      fed([{ clusterName: 'a', clusterOverrides: [{ path: '/x', value: 1 }] }]),
    );
    assert.ok(result.ok);
    assert.equal(overridesForCluster(result.overrides, 'a').length, 1);
    assert.deepEqual(overridesForCluster(result.overrides, 'b'), []);
  });
});

describe('applyOverrides', () => {
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg' },
    data: { foo: 'bar' },
  };

  it('returns the object itself when there is nothing to apply', () => {
    const result = applyOverrides(obj, []);
    assert.ok(result.ok);
    assert.equal(result.object, obj);
  });
  it('applies the patch to a copy', () => {
    const result = applyOverrides(obj, [{ op: 'replace', path: '/data', value: { foo: 'baz' } }]);
    assert.ok(result.ok);
    assert.deepEqual(result.object.data, { foo: 'baz' });
    assert.deepEqual(obj.data, { foo: 'bar' });
  });
  it('reports patch failures', () => {
    const result = applyOverrides(obj, [{ op: 'remove', path: '/spec/x' }]);
    assert.equal(result.ok, false);
  });
  it('requires the result to keep a kind', () => {
    const result = applyOverrides(obj, [{ op: 'replace', path: '', value: { metadata: {} } }]);
    assert.equal(result.ok, false);
    assert.match(result.error, /Object 'Kind' is missing/);
    const arrayResult = applyOverrides(obj, [{ op: 'replace', path: '', value: [] }]);
    assert.equal(arrayResult.ok, false);
  });
});
