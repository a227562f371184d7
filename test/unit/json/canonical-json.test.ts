import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GoStruct,
  canonicalJson,
  compareUtf8,
  goQuote,
  md5Hex,
} from '../../../src/json/canonical-json.ts';

describe('canonicalJson (Go encoding/json Encoder)', () => {
  it('sorts keys, writes no whitespace and ends with one newline', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, null, 'x'], c: {} }),
      '{"a":[true,null,"x"],"b":1,"c":{}}\n',
    );
  });
  it('escapes HTML characters and the JavaScript line terminators', () => {
    assert.equal(canonicalJson('a<b&c>'), '"a\\u003cb\\u0026c\\u003e"\n');
    assert.equal(canonicalJson('\u2028\u2029'), '"\\u2028\\u2029"\n');
  });
  it('writes short escapes only for quote, backslash, \\n, \\r and \\t', () => {
    assert.equal(goQuote('"\\\n\r\t'), '"\\"\\\\\\n\\r\\t"');
    // KubeFed v0.10 was built before Go 1.22, which wrote \b and \f as \u escapes.
    assert.equal(goQuote('\b\f\u0000\u001f'), '"\\u0008\\u000c\\u0000\\u001f"');
  });
  it('leaves DEL, non-ASCII and astral characters as they are', () => {
    assert.equal(goQuote('\u007fé中😀/'), '"\u007fé中😀/"');
  });
  it('replaces lone surrogates by U+FFFD, as Go holds only valid UTF-8', () => {
    assert.equal(goQuote('a\ud800b'), '"a\ufffdb"');
  });
  it('escapes keys like values', () => {
    assert.equal(canonicalJson({ '<k>': 1 }), '{"\\u003ck\\u003e":1}\n');
  });
  it('formats numbers like Go float64 / int64', () => {
    const cases: [unknown, string][] = [
      [0, '0'],
      [-0, '0'],
      [2, '2'],
      [-17, '-17'],
      [1.5, '1.5'],
      [0.1, '0.1'],
      [1e20, '100000000000000000000'],
      [1e21, '1e+21'],
      [1.5e300, '1.5e+300'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [1.25e-10, '1.25e-10'],
      [Number('12345678901234567890'), '12345678901234567000'],
      [9007199254740993n, '9007199254740993'],
    ];
    for (const [value, text] of cases)
      assert.equal(canonicalJson(value), `${text}\n`, String(value));
  });
  it('rejects values JSON cannot hold', () => {
    assert.throws(() => canonicalJson(Number.NaN), TypeError);
    assert.throws(() => canonicalJson(() => 1), TypeError);
  });
  it('skips undefined properties', () => {
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}\n');
  });
  it('writes Go structs in field order and leaves out undefined (omitempty) fields', () => {
    const s = new GoStruct([
      ['z', 1],
      ['a', undefined],
      ['m', { y: 1, x: 2 }],
    ]);
    assert.equal(canonicalJson([s]), '[{"z":1,"m":{"x":2,"y":1}}]\n');
  });
  it('sorts keys by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF61 is below U+1F600 in UTF-8, above its surrogates in UTF-16.
    assert.equal(canonicalJson({ '😀': 1, '｡': 2, a: 3 }), '{"a":3,"｡":2,"😀":1}\n');
  });
});

describe('compareUtf8', () => {
  it('orders by code point', () => {
    const sorted = ['😀', 'b', '｡', 'a', 'ab', ''].sort(compareUtf8);
    assert.deepEqual(sorted, ['', 'a', 'ab', 'b', '｡', '😀']);
  });
  it('compares astral characters among themselves', () => {
    assert.ok(compareUtf8('\u{1F600}', '\u{1F601}') < 0);
    assert.ok(compareUtf8('\u{10000}', '\u{FFFF}') > 0);
    assert.equal(compareUtf8('x', 'x'), 0);
  });
});

describe('md5Hex', () => {
  it('hashes the UTF-8 bytes', () => {
    assert.equal(md5Hex(''), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(md5Hex('é'), md5Hex(Buffer.from([0xc3, 0xa9]).toString('utf8')));
  });
});
