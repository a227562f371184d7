// The Event sink against the sandbox's real host kube-apiserver: Events are written in the
// background, repeats are merged (in the queue, or by bumping the stored Event's count), and a
// full queue drops Events instead of growing or failing the caller.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../src/kube/client.ts';
import { loadClusterConfig } from '../../src/kube/kubeconfig.ts';
import type { ResourceRef } from '../../src/kube/resource.ts';
import { EventSink } from '../../src/runtime/events.ts';
import { Logger } from '../../src/runtime/logger.ts';
import { kubectl, testSandbox } from './fixture.ts';
import type { KubeObject } from '../../src/json/object.ts';

const sandbox = testSandbox();
const namespace = 'events-test';
const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};
const eventsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'events',
  namespaced: true,
};

interface StoredEvent {
  reason: string;
  message: string;
  count: number;
  type: string;
  source: { component: string };
  involvedObject: { name: string; uid: string; kind: string };
}

describe('EventSink on a real apiserver', () => {
  let client: KubeClient;
  const logLines: string[] = [];
  const logger = new Logger({
    format: 'json',
    sink: (line) => logLines.push(line),
  });

  before(async () => {
    client = new KubeClient(loadClusterConfig({ path: sandbox.kubeconfig, context: 'host' }), {
      cluster: 'host',
    });
    await kubectl(sandbox, ['--context', 'host', 'create', 'namespace', namespace]);
  });

  after(async () => {
    await client.close();
    await kubectl(sandbox, ['--context', 'host', 'delete', 'namespace', namespace, '--wait=false']);
  });

  async function object(name: string): Promise<KubeObject> {
    return client.create(configmaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace },
    });
  }

  async function eventsOf(obj: KubeObject): Promise<StoredEvent[]> {
    const list = (await client.list(eventsResource, {
      namespace,
    })) as unknown as { items: StoredEvent[] };
    return list.items.filter((e) => e.involvedObject.uid === obj.metadata?.uid);
  }

  it('records in the background and merges repeats into one Event with a count', async () => {
    const sink = new EventSink(client, logger, { concurrency: 1 });
    const obj = await object('merged');
    const recorder = sink.recorder('test-controller');
    // record() returns at once; the first send starts, the two repeats wait and merge.
    recorder.record(obj, 'Normal', 'CreateInCluster', 'Creating ConfigMap in cluster "m1"');
    recorder.record(obj, 'Normal', 'CreateInCluster', 'Creating ConfigMap in cluster "m1"');
    recorder.record(obj, 'Normal', 'CreateInCluster', 'Creating ConfigMap in cluster "m1"');
    recorder.record(obj, 'Warning', 'CreateInClusterFailed', 'Failed in cluster "m2"');
    await sink.drained();
    // A later repeat bumps the stored Event instead of creating another.
    recorder.record(obj, 'Normal', 'CreateInCluster', 'Creating ConfigMap in cluster "m1"');
    await sink.drained();

    const events = await eventsOf(obj);
    const byReason = new Map(events.map((e) => [e.reason, e]));
    assert.equal(events.length, 2);
    const created = byReason.get('CreateInCluster');
    assert.equal(created?.count, 4);
    assert.equal(created.type, 'Normal');
    assert.equal(created.source.component, 'test-controller');
    assert.equal(created.involvedObject.kind, 'ConfigMap');
    assert.equal(created.involvedObject.name, 'merged');
    assert.equal(byReason.get('CreateInClusterFailed')?.type, 'Warning');
    assert.equal(byReason.get('CreateInClusterFailed')?.count, 1);
  });

  it('drops Events beyond the queue limit and logs it', async () => {
    const sink = new EventSink(client, logger, { concurrency: 1, maxQueued: 2 });
    const obj = await object('dropped');
    const recorder = sink.recorder('test-controller');
    // One is sent at once, two wait, the other three are dropped.
    for (let i = 0; i < 6; i++) recorder.record(obj, 'Normal', 'Test', `message ${String(i)}`);
    await sink.drained();

    const messages = (await eventsOf(obj)).map((e) => e.message).sort();
    assert.deepEqual(messages, ['message 0', 'message 1', 'message 2']);
    assert.ok(logLines.some((l) => l.includes('Events were dropped') && l.includes('"dropped":3')));
  });

  it('logs a failed write and goes on with the next Event', async () => {
    const sink = new EventSink(client, logger, { concurrency: 1 });
    const obj = await object('failing');
    const recorder = sink.recorder('test-controller');
    // An Event in a namespace that does not exist is refused by the apiserver.
    const elsewhere: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, namespace: 'no-such-namespace-for-events' },
    };
    recorder.record(elsewhere, 'Normal', 'Test', 'refused');
    recorder.record(obj, 'Normal', 'Test', 'accepted');
    await sink.drained();

    assert.deepEqual(
      (await eventsOf(obj)).map((e) => e.message),
      ['accepted'],
    );
    assert.ok(logLines.some((l) => l.includes('Recording an event failed')));
  });
});
