// Expected results were checked against gopkg.in/evanphx/json-patch.v4 (v4.13, same semantics as
// the v4.12 KubeFed v0.10 vendored).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyJsonPatch,
  cloneJson,
  jsonEqual,
  type JsonPatchOperation,
} from '../../../src/json/json-patch.ts';

function ok(doc: unknown, patch: JsonPatchOperation[]): unknown {
  const result = applyJsonPatch(doc, patch);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.document;
}

function fails(doc: unknown, patch: JsonPatchOperation[]): string {
  const result = applyJsonPatch(doc, patch);
  assert.equal(result.ok, false, `expected failure, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('applyJsonPatch: add', () => {
  it('adds and overwrites object keys', () => {
    assert.deepEqual(ok({ a: 1 }, [{ op: 'add', path: '/b', value: 2 }]), { a: 1, b: 2 });
    assert.deepEqual(ok({ a: 1 }, [{ op: 'add', path: '/a', value: 3 }]), { a: 3 });
  });
  it('needs the parent container', () => {
    assert.match(
      fails({ a: 1 }, [{ op: 'add', path: '/x/y', value: 1 }]),
      /doc is missing path: "\/x\/y"/,
    );
  });
  it('inserts into arrays at 0..len and appends with -', () => {
    const doc = { l: [1, 2] };
    assert.deepEqual(ok(doc, [{ op: 'add', path: '/l/0', value: 0 }]), { l: [0, 1, 2] });
    assert.deepEqual(ok(doc, [{ op: 'add', path: '/l/2', value: 3 }]), { l: [1, 2, 3] });
    assert.deepEqual(ok(doc, [{ op: 'add', path: '/l/-', value: 3 }]), { l: [1, 2, 3] });
    assert.match(fails(doc, [{ op: 'add', path: '/l/3', value: 3 }]), /invalid index/);
  });
  it('counts negative indices from len+1 (so -1 appends)', () => {
    const doc = { l: [1, 2] };
    assert.deepEqual(ok(doc, [{ op: 'add', path: '/l/-1', value: 9 }]), { l: [1, 2, 9] });
    assert.deepEqual(ok(doc, [{ op: 'add', path: '/l/-3', value: 9 }]), { l: [9, 1, 2] });
    fails(doc, [{ op: 'add', path: '/l/-4', value: 9 }]);
  });
  it('parses indices like strconv.Atoi', () => {
    assert.deepEqual(ok({ l: [1, 2] }, [{ op: 'add', path: '/l/+1', value: 9 }]), { l: [1, 9, 2] });
    assert.deepEqual(ok({ l: [1, 2] }, [{ op: 'add', path: '/l/01', value: 9 }]), { l: [1, 9, 2] });
    assert.match(
      fails({ l: [1] }, [{ op: 'add', path: '/l/x', value: 9 }]),
      /not a proper array index/,
    );
    fails({ l: [1] }, [{ op: 'add', path: '/l/1.0', value: 9 }]);
  });
  it('adds null when the value is absent', () => {
    assert.deepEqual(ok({}, [{ op: 'add', path: '/a' }]), { a: null });
  });
  it('cannot walk through null or scalars', () => {
    fails({ a: null }, [{ op: 'add', path: '/a/b', value: 1 }]);
    fails({ a: 'str' }, [{ op: 'add', path: '/a/0', value: 1 }]);
    fails({ a: 5 }, [{ op: 'add', path: '/a/b', value: 1 }]);
  });
  it('rejects the empty path', () => {
    fails({}, [{ op: 'add', path: '', value: {} }]);
  });
});

describe('applyJsonPatch: replace (v4 quirks)', () => {
  it('adds a missing object key instead of failing', () => {
    assert.deepEqual(ok({ spec: {} }, [{ op: 'replace', path: '/spec/replicas', value: 5 }]), {
      spec: { replicas: 5 },
    });
  });
  it('still needs the parent', () => {
    fails({}, [{ op: 'replace', path: '/spec/replicas', value: 5 }]);
  });
  it('fails on an out-of-range index and accepts negative ones', () => {
    fails({ l: [1] }, [{ op: 'replace', path: '/l/1', value: 5 }]);
    fails({ l: [1] }, [{ op: 'replace', path: '/l/-', value: 5 }]);
    assert.deepEqual(ok({ l: [1, 2] }, [{ op: 'replace', path: '/l/-1', value: 5 }]), {
      l: [1, 5],
    });
    assert.deepEqual(ok({ l: [1, 2] }, [{ op: 'replace', path: '/l/-2', value: 5 }]), {
      l: [5, 2],
    });
    fails({ l: [1, 2] }, [{ op: 'replace', path: '/l/-3', value: 5 }]);
  });
  it('replaces the whole document with an object or array', () => {
    assert.deepEqual(ok({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
    assert.deepEqual(ok({ a: 1 }, [{ op: 'replace', path: '', value: [1] }]), [1]);
    fails({ a: 1 }, [{ op: 'replace', path: '', value: 5 }]);
  });
  it('sets null when the value is absent', () => {
    assert.deepEqual(ok({ a: 1 }, [{ op: 'replace', path: '/a' }]), { a: null });
  });
});

describe('applyJsonPatch: remove', () => {
  it('removes keys and elements, negative indices from the end', () => {
    assert.deepEqual(ok({ a: 1, b: 2 }, [{ op: 'remove', path: '/a' }]), { b: 2 });
    assert.deepEqual(ok({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/1' }]), { l: [1, 3] });
    assert.deepEqual(ok({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }]), { l: [1, 2] });
    assert.deepEqual(ok({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-3' }]), { l: [2, 3] });
  });
  it('fails on a missing key or index', () => {
    assert.match(fails({ a: 1 }, [{ op: 'remove', path: '/b' }]), /nonexistent key: b/);
    fails({ l: [1] }, [{ op: 'remove', path: '/l/1' }]);
    fails({ l: [1] }, [{ op: 'remove', path: '/l/-2' }]);
    fails({ l: [1] }, [{ op: 'remove', path: '/l/-' }]);
  });
  it('removes a key holding null', () => {
    assert.deepEqual(ok({ a: null }, [{ op: 'remove', path: '/a' }]), {});
  });
  it('does not see inherited properties', () => {
    fails({}, [{ op: 'remove', path: '/toString' }]);
    fails({}, [{ op: 'add', path: '/constructor/x', value: 1 }]);
  });
});

describe('applyJsonPatch: pointers', () => {
  it('unescapes ~1 and ~0', () => {
    assert.deepEqual(
      ok({ 'a/b': 1, 'm~n': 2 }, [
        { op: 'remove', path: '/a~1b' },
        { op: 'remove', path: '/m~0n' },
      ]),
      {},
    );
    assert.deepEqual(ok({}, [{ op: 'add', path: '/~01', value: 1 }]), { '~1': 1 });
  });
  it('ignores the token before the first slash', () => {
    assert.deepEqual(ok({ b: { c: 1 } }, [{ op: 'replace', path: 'x/b', value: 2 }]), { b: 2 });
    fails({ b: 1 }, [{ op: 'replace', path: 'b', value: 2 }]);
  });
  it('addresses the empty key with /', () => {
    assert.deepEqual(ok({}, [{ op: 'add', path: '/', value: 1 }]), { '': 1 });
  });
  it('treats __proto__ as an ordinary key', () => {
    const out = ok({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<
      string,
      unknown
    >;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('applyJsonPatch: move, copy, test', () => {
  it('moves values', () => {
    assert.deepEqual(ok({ a: 1, b: {} }, [{ op: 'move', from: '/a', path: '/b/a' }]), {
      b: { a: 1 },
    });
    fails({ a: 1 }, [{ op: 'move', from: '/x', path: '/y' }]);
    fails({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b' }]);
    assert.match(fails({ a: 1 }, [{ op: 'move', path: '/y' }]), /missing from field/);
  });
  it('copies values, and null from a missing key', () => {
    assert.deepEqual(ok({ a: { x: 1 } }, [{ op: 'copy', from: '/a', path: '/b' }]), {
      a: { x: 1 },
      b: { x: 1 },
    });
    assert.deepEqual(ok({ a: 1 }, [{ op: 'copy', from: '/missing', path: '/b' }]), {
      a: 1,
      b: null,
    });
  });
  it('copies are independent', () => {
    const out = ok({ a: { x: 1 } }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'replace', path: '/b/x', value: 2 },
    ]);
    assert.deepEqual(out, { a: { x: 1 }, b: { x: 2 } });
  });
  it('tests values; a missing key equals null', () => {
    ok({ a: { x: [1] } }, [{ op: 'test', path: '/a', value: { x: [1] } }]);
    fails({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]);
    ok({ a: 1 }, [{ op: 'test', path: '/missing', value: null }]);
    ok({ a: null }, [{ op: 'test', path: '/a' }]);
    fails({ a: 1 }, [{ op: 'test', path: '/a' }]);
    ok({ a: 1 }, [{ op: 'test', path: '', value: { a: 1 } }]);
  });
});

describe('applyJsonPatch: operations and documents', () => {
  it('rejects unknown or missing ops and missing paths', () => {
    assert.equal(fails({}, [{ op: 'Add', path: '/a' }]), 'Unexpected kind: Add');
    assert.equal(fails({}, [{ path: '/a' }]), 'Unexpected kind: unknown');
    assert.match(fails({}, [{ op: 'add' }]), /failed to decode path/);
  });
  it('applies operations in order and stops at the first failure', () => {
    assert.deepEqual(
      ok({}, [
        { op: 'add', path: '/a', value: {} },
        { op: 'add', path: '/a/b', value: 1 },
      ]),
      { a: { b: 1 } },
    );
    fails({}, [
      { op: 'add', path: '/a', value: 1 },
      { op: 'remove', path: '/zz' },
    ]);
  });
  it('patches arrays at the root', () => {
    assert.deepEqual(ok([1], [{ op: 'add', path: '/-', value: 2 }]), [1, 2]);
  });
  it('rejects scalar documents', () => {
    fails(5, []);
  });
  it('never modifies its inputs', () => {
    const doc = { a: { b: [1] } };
    const value = { v: 1 };
    const patch: JsonPatchOperation[] = [
      { op: 'add', path: '/a/b/-', value },
      { op: 'add', path: '/a/c', value },
    ];
    const before = cloneJson(doc);
    const out = ok(doc, patch) as { a: { c: { v: number } } };
    out.a.c.v = 2;
    assert.deepEqual(doc, before);
    assert.deepEqual(value, { v: 1 });
  });
});

describe('jsonEqual', () => {
  it('compares structurally, undefined properties as absent', () => {
    assert.ok(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] }));
    assert.ok(jsonEqual({ a: 1, b: undefined }, { a: 1 }));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!jsonEqual([1], { 0: 1 }));
    assert.ok(jsonEqual(5n, 5));
    assert.ok(!jsonEqual(5n, 5.5));
  });
});
