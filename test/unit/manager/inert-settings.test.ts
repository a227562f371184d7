import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyKubeFedConfigDefaults,
  defaultKubeFedConfig,
} from '../../../src/apis/kubefedconfig.ts';
import type { KubeFedConfig } from '../../../src/apis/types.ts';
import { inertSettings, reportInertSettings } from '../../../src/manager/inert-settings.ts';
import type { EventRecorder } from '../../../src/runtime/events.ts';
import type { LeadershipTerm } from '../../../src/runtime/leader-election.ts';
import { Leadership } from '../../../src/runtime/leadership.ts';
import { Logger } from '../../../src/runtime/logger.ts';

function withCacheSyncTimeout(value: string | undefined): KubeFedConfig {
  const config = defaultKubeFedConfig('kube-federation-system', 'Cluster');
  config.spec.controllerDuration = { ...config.spec.controllerDuration };
  if (value === undefined) delete config.spec.controllerDuration.cacheSyncTimeout;
  else config.spec.controllerDuration.cacheSyncTimeout = value;
  return applyKubeFedConfigDefaults(config);
}

describe('inertSettings', () => {
  it('says nothing of a config at its defaults, however the default is spelled', () => {
    assert.deepEqual(inertSettings(withCacheSyncTimeout(undefined)), []);
    assert.deepEqual(inertSettings(withCacheSyncTimeout('5m0s')), []);
    assert.deepEqual(inertSettings(withCacheSyncTimeout('300s')), []);
  });
  it('names a cacheSyncTimeout other than the default, and what to do', () => {
    assert.deepEqual(inertSettings(withCacheSyncTimeout('30s')), [
      'spec.controllerDuration.cacheSyncTimeout: 30s has no effect: the controllers wait for their caches to sync without a time limit (remove the setting or set it to the default 5m0s to silence this)',
    ]);
  });
});

describe('reportInertSettings', () => {
  function report(config: KubeFedConfig): {
    lines: string[];
    events: [string, string, string][];
    leadership: Leadership;
  } {
    const lines: string[] = [];
    const events: [string, string, string][] = [];
    const recorder = {
      record: (_object: unknown, type: string, reason: string, message: string) =>
        events.push([type, reason, message]),
    } as unknown as EventRecorder;
    const leadership = new Leadership();
    reportInertSettings(config, {
      logger: new Logger({ format: 'json', sink: (l) => lines.push(l) }),
      events: recorder,
      leadership,
    });
    return { lines, events, leadership };
  }
  const leading = { signal: new AbortController().signal } as unknown as LeadershipTerm;

  it('warns at once and records the Event on the cluster object only once leading', () => {
    const config = withCacheSyncTimeout('1m');
    config.metadata = { ...config.metadata, uid: 'u1' };
    const { lines, events, leadership } = report(config);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /"level":"warn".*cacheSyncTimeout: 1m has no effect/);
    assert.equal(events.length, 0, 'a standby records no Event');
    leadership.begin(leading);
    assert.deepEqual(
      events.map(([type, reason]) => [type, reason]),
      [['Warning', 'SettingHasNoEffect']],
    );
  });
  it('only logs for a config from a file (no object to put an Event on)', () => {
    const { lines, events, leadership } = report(withCacheSyncTimeout('1m'));
    leadership.begin(leading);
    assert.equal(lines.length, 1);
    assert.equal(events.length, 0);
  });
});
