import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { klogHeader, klogTextLine, klogValue } from '../../../src/runtime/klog-text.ts';

describe('klogHeader', () => {
  it('writes Lmmdd hh:mm:ss.uuuuuu, the pid in 7 columns and file:line, in UTC', () => {
    const at = { pid: 12345, caller: 'main.ts:61' };
    assert.equal(
      klogHeader({ ...at, severity: 'info', timeMs: Date.UTC(2026, 11, 2, 4, 18, 42, 123) }),
      'I1202 04:18:42.123000   12345 main.ts:61] ',
    );
    assert.equal(
      klogHeader({ ...at, severity: 'warn', timeMs: Date.UTC(2026, 0, 5, 0, 0, 7, 4) }),
      'W0105 00:00:07.004000   12345 main.ts:61] ',
    );
    assert.equal(
      klogHeader({ severity: 'error', timeMs: 0, pid: 7, caller: '???:1' }),
      'E0101 00:00:00.000000       7 ???:1] ',
    );
  });
});

describe('klogValue', () => {
  it('quotes strings and errors, Go-style', () => {
    assert.equal(klogValue('member1'), '="member1"');
    assert.equal(klogValue(''), '=""');
    assert.equal(klogValue('say "hi"\\now\t'), '="say \\"hi\\"\\\\now\\t"');
    assert.equal(klogValue(new TypeError('connection refused')), '="connection refused"');
  });
  it('writes numbers, booleans and bigints bare and null as <nil>', () => {
    assert.equal(klogValue(3), '=3');
    assert.equal(klogValue(0.25), '=0.25');
    assert.equal(klogValue(false), '=false');
    assert.equal(klogValue(10n), '=10');
    assert.equal(klogValue(null), '=<nil>');
    assert.equal(klogValue(undefined), '=<nil>');
  });
  it('writes objects and arrays as one line of JSON, errors and bigints inside by value', () => {
    assert.equal(klogValue({ a: 1, b: ['x'] }), '={"a":1,"b":["x"]}');
    assert.equal(klogValue([new Error('e'), 2n]), '=["e","2"]');
  });
  it('says so instead of throwing on a value JSON cannot hold', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    assert.match(klogValue(circular), /^=<not serializable: .*circular/i);
    assert.equal(klogValue(Symbol('s')), '=Symbol(s)');
    assert.equal(
      klogValue(() => 'secret source'),
      '=<func>',
    );
  });
  it("writes strings spanning lines as klog's indented block", () => {
    assert.equal(klogValue('line 1\nline 2'), '=<\n\tline 1\n\tline 2\n >');
    assert.equal(klogValue('only\n'), '=<\n\tonly\n >');
    assert.equal(klogValue(new Error('a\n\nb')), '=<\n\ta\n\t\n\tb\n >');
  });
});

describe('klogTextLine', () => {
  const base = { severity: 'info', timeMs: 0, pid: 1, caller: 'x.ts:1' } as const;
  it('keeps the message verbatim and appends the pairs in order, leaving out undefined', () => {
    assert.equal(
      klogTextLine({
        ...base,
        msg: 'Using valid KubeFedConfig "kube-federation-system/kubefed"',
        fields: { controller: 'sync', skipped: undefined, count: 2 },
      }),
      'I0101 00:00:00.000000       1 x.ts:1] Using valid KubeFedConfig "kube-federation-system/kubefed" controller="sync" count=2',
    );
  });
  it('writes a message alone when there are no pairs', () => {
    assert.equal(
      klogTextLine({ ...base, msg: 'promoted as leader', fields: {} }),
      'I0101 00:00:00.000000       1 x.ts:1] promoted as leader',
    );
  });
});
