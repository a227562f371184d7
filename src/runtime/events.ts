// Kubernetes Events on the objects users look at (`kubectl describe`). Repeats of the same
// event (object, type, reason, message) within ten minutes bump the count of the existing Event
// instead of creating a new one, as client-go's recorder does, so a flapping cluster cannot
// flood the host. Recording never throws: a lost Event is logged, not fatal.
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { Logger } from './logger.ts';

export type EventType = 'Normal' | 'Warning';

const eventsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'events',
  namespaced: true,
};
const aggregationWindowMs = 10 * 60_000;

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  lastSeenMs: number;
}

export class EventRecorder {
  readonly #client: KubeClient;
  readonly #component: string;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #recent = new Map<string, Recorded>();

  constructor(client: KubeClient, component: string, logger: Logger, now: () => number = Date.now) {
    this.#client = client;
    this.#component = component;
    this.#logger = logger;
    this.#now = now;
  }

  async record(
    object: KubeObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const meta = object.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const key = [meta.uid, type, reason, message].join('\u0000');
    const nowMs = this.#now();
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.#forgetOld(nowMs);
    try {
      const seen = this.#recent.get(key);
      if (seen) {
        seen.count += 1;
        seen.lastSeenMs = nowMs;
        await this.#client.patch(
          eventsResource,
          seen.name,
          { count: seen.count, lastTimestamp: now },
          { type: 'merge', namespace: seen.namespace },
        );
        return;
      }
      const name = `${meta.name ?? 'unknown'}.${nowMs.toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
      await this.#client.create(eventsResource, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: meta.name,
          namespace: meta.namespace,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        },
        type,
        reason,
        message,
        source: { component: this.#component },
        reportingComponent: this.#component,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
      });
      this.#recent.set(key, { name, namespace, count: 1, lastSeenMs: nowMs });
    } catch (error) {
      this.#recent.delete(key);
      this.#logger.error('Recording an event failed', error, {
        reason,
        object: `${namespace}/${meta.name ?? ''}`,
      });
    }
  }

  #forgetOld(nowMs: number): void {
    for (const [key, seen] of this.#recent) {
      if (nowMs - seen.lastSeenMs > aggregationWindowMs) this.#recent.delete(key);
    }
  }
}
