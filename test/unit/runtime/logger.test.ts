import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '../../../src/runtime/logger.ts';
import type { LoggerOptions } from '../../../src/runtime/logger.ts';

function capture(options: LoggerOptions = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = new Logger({
    now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678),
    format: 'json',
    ...options,
    sink: (l) => lines.push(l),
  });
  return { logger, lines };
}

describe('Logger, JSON format', () => {
  it('writes one JSON object per line with ts, level and msg first', () => {
    const { logger, lines } = capture();
    logger.info('promoted as leader', { identity: 'host_1234' });
    assert.deepEqual(lines, [
      '{"ts":"2024-01-02T03:04:05.678Z","level":"info","msg":"promoted as leader","identity":"host_1234"}',
    ]);
  });

  it('adds child fields to every line, call fields last', () => {
    const { logger, lines } = capture();
    const child = logger.child({ controller: 'kubefedcluster' }).child({ cluster: 'member1' });
    child.warn('Cluster is offline', { object: 'kube-federation-system/member1' });
    assert.deepEqual(JSON.parse(lines[0] ?? ''), {
      ts: '2024-01-02T03:04:05.678Z',
      level: 'warn',
      msg: 'Cluster is offline',
      controller: 'kubefedcluster',
      cluster: 'member1',
      object: 'kube-federation-system/member1',
    });
  });

  it('logs errors by message under the error key, and errors nested in fields too', () => {
    const { logger, lines } = capture();
    logger.error('Updating status failed', new Error('conflict'), {
      object: 'ns/a',
      cause: new TypeError('nested'),
      size: 10n,
    });
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(entry['level'], 'error');
    assert.equal(entry['error'], 'conflict');
    assert.equal(entry['cause'], 'nested');
    assert.equal(entry['size'], '10');
    assert.equal(entry['object'], 'ns/a');
  });

  it('gates v(n) debug lines by verbosity', () => {
    const { logger, lines } = capture({ verbosity: 2 });
    logger.v(2).info('shown');
    logger.v(3).info('hidden');
    assert.equal(logger.v(3).enabled, false);
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0] ?? ''), {
      ts: '2024-01-02T03:04:05.678Z',
      level: 'debug',
      msg: 'shown',
      v: 2,
    });
    assert.equal(logger.child({ a: 1 }).v(2).enabled, true, 'children keep the verbosity');
  });

  it('never lets a field overwrite ts, level or msg, and survives unserializable fields', () => {
    const { logger, lines } = capture();
    logger.info('real', { msg: 'fake', level: 'fake' });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    logger.info('still logged', { circular });
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(first['msg'], 'real');
    assert.equal(first['level'], 'info');
    const second = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
    assert.equal(second['msg'], 'still logged');
    assert.match(String(second['logError']), /not serializable/);
  });
});

describe('Logger, klog text format (the default)', () => {
  const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

  it('writes klog lines with the call site, the message verbatim, then key="value" pairs', () => {
    const lines: string[] = [];
    const logger = new Logger({
      sink: (l) => lines.push(l),
      now: () => at,
      pid: 4321,
      fields: { controller: 'kubefedcluster' },
    });
    logger.info('Using valid KubeFedConfig "kube-federation-system/kubefed"', {
      cluster: 'member 1',
    });
    const line = new Error().stack?.split('\n')[1]?.match(/logger\.test\.ts:(\d+)/)?.[1];
    assert.deepEqual(lines, [
      `I0102 03:04:05.678000    4321 logger.test.ts:${String(Number(line) - 3)}] Using valid KubeFedConfig "kube-federation-system/kubefed" controller="kubefedcluster" cluster="member 1"`,
    ]);
  });

  it('names the caller of each method, children and v(n) included, with klog severities', () => {
    const lines: string[] = [];
    const logger = new Logger({ sink: (l) => lines.push(l), verbosity: 1, pid: 1 });
    const child = logger.child({ a: 1 });
    logger.warn('w');
    child.error('e', new Error('boom'));
    child.v(1).info('d');
    const header = /^([IWE])\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 ([^ ]+)\] /;
    const parsed = lines.map((l) => header.exec(l)?.slice(1));
    const here = Number(new Error().stack?.split('\n')[1]?.match(/logger\.test\.ts:(\d+)/)?.[1]);
    assert.deepEqual(parsed, [
      ['W', `logger.test.ts:${String(here - 5)}`],
      ['E', `logger.test.ts:${String(here - 4)}`],
      ['I', `logger.test.ts:${String(here - 3)}`],
    ]);
    assert.match(lines[1] ?? '', /\] e a=1 error="boom"$/);
  });
});
