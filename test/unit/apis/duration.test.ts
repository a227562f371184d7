import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from '../../../src/apis/duration.ts';

describe('formatGoDuration (Go Duration.String)', () => {
  const cases: [milliseconds: number, text: string][] = [
    [0, '0s'],
    [3_000, '3s'],
    [20_000, '20s'],
    [60_000, '1m0s'],
    [300_000, '5m0s'],
    [90_000, '1m30s'],
    [1_500, '1.5s'],
    [500, '500ms'],
    [1.5, '1.5ms'],
    [0.001, '1µs'],
    [0.0005, '500ns'],
    [3_600_000, '1h0m0s'],
    [5_430_250, '1h30m30.25s'],
    [100 * 3_600_000, '100h0m0s'],
    [-1_500, '-1.5s'],
  ];
  for (const [milliseconds, text] of cases) {
    it(`${milliseconds}ms → ${text}`, () => assert.equal(formatGoDuration(milliseconds), text));
  }

  it('refuses non-finite numbers', () => {
    assert.throws(() => formatGoDuration(Number.NaN), /not a finite duration/);
  });
});

describe('parseGoDuration (Go time.ParseDuration)', () => {
  const cases: [text: string, milliseconds: number][] = [
    ['0', 0],
    ['0s', 0],
    ['20s', 20_000],
    ['1m0s', 60_000],
    ['5m0s', 300_000],
    ['1h0m0s', 3_600_000],
    ['1.5s', 1_500],
    ['500ms', 500],
    ['1500ms', 1_500],
    ['.5s', 500],
    ['1.s', 1_000],
    ['2h45m', 9_900_000],
    ['-1.5h', -5_400_000],
    ['+3s', 3_000],
    ['300us', 0.3],
    ['1µs', 0.001],
    ['1μs', 0.001],
    ['10ns', 0.00001],
    // Go truncates fractions below a nanosecond.
    ['1.0000000001s', 1_000],
  ];
  for (const [text, milliseconds] of cases) {
    it(`${text} → ${milliseconds}ms`, () => assert.equal(parseGoDuration(text), milliseconds));
  }

  const errors: [text: string, message: string][] = [
    ['', 'time: invalid duration ""'],
    ['1', 'time: missing unit in duration "1"'],
    ['1x', 'time: unknown unit "x" in duration "1x"'],
    ['s', 'time: invalid duration "s"'],
    ['.s', 'time: invalid duration ".s"'],
    ['--1s', 'time: invalid duration "--1s"'],
    ['1 s', 'time: unknown unit " s" in duration "1 s"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
  ];
  for (const [text, message] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseGoDuration(text), { message });
    });
  }

  it('round-trips every default of KubeFedConfig', () => {
    for (const text of ['20s', '1m0s', '5m0s', '15s', '10s', '5s', '3s']) {
      assert.equal(formatGoDuration(parseGoDuration(text)), text);
    }
  });
});
