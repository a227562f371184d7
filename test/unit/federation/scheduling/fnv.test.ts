import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fnv1Hash32 } from '../../../../src/federation/scheduling/fnv.ts';

describe('fnv1Hash32', () => {
  it('is FNV-1 32-bit, not FNV-1a (reference vectors)', () => {
    assert.equal(fnv1Hash32(''), 0x811c9dc5);
    assert.equal(fnv1Hash32('a'), 0x050c5d7e); // FNV-1a: 0xe40c292c
    assert.equal(fnv1Hash32('foobar'), 0x31f0b262); // FNV-1a: 0xbf9cf968
  });

  it("hashes UTF-8 bytes, as Go's hash/fnv New32 does", () => {
    assert.equal(fnv1Hash32('é'), 0xce77c1fd);
  });

  it('hashes the parts one after the other', () => {
    assert.equal(fnv1Hash32('cluster1', 'ns/name'), fnv1Hash32('cluster1ns/name'));
    assert.equal(fnv1Hash32('A', 'abc'), 0x0d7141ba);
  });
});
