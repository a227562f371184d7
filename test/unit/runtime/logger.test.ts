import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '../../../src/runtime/logger.ts';
import type { LoggerOptions } from '../../../src/runtime/logger.ts';

function capture(options: LoggerOptions = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = new Logger({
    now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678),
    ...options,
    sink: (l) => lines.push(l),
  });
  return { logger, lines };
}

describe('Logger', () => {
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

describe('Logger text format', () => {
  it('writes the message verbatim, then key=value pairs', () => {
    const lines: string[] = [];
    const logger = new Logger({
      format: 'text',
      sink: (l) => lines.push(l),
      now: () => 0,
      fields: { controller: 'kubefedcluster' },
    });
    logger.info('Using valid KubeFedConfig "kube-federation-system/kubefed"', {
      cluster: 'member 1',
    });
    assert.deepEqual(lines, [
      '1970-01-01T00:00:00.000Z INFO Using valid KubeFedConfig "kube-federation-system/kubefed" controller=kubefedcluster cluster="member 1"',
    ]);
  });
});
