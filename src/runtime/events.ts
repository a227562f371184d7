// Kubernetes Events on the objects users look at (`kubectl describe`), written the way
// client-go's broadcaster writes them: off the reconcile path. `record` only queues; an EventSink
// sends in the background through a client of its own, so Events never take rate-limit tokens
// from the writes a reconcile waits for, and a slow host delays Events, not propagation.
//
// Repeats of the same event (object, type, reason, message) within ten minutes bump the count of
// the existing Event instead of creating a new one, and repeats still waiting in the queue are
// merged there, so a flapping cluster cannot flood the host. When more than `maxQueued` distinct
// Events wait, new ones are dropped (and counted in the log): Events are best effort, as in
// client-go, and never fail or block a controller.
import { kubeTime } from '../apis/time.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { Logger } from './logger.ts';
import type { KubeObject } from '../json/object.ts';

export type EventType = 'Normal' | 'Warning';

const eventsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'events',
  namespaced: true,
};
const aggregationWindowMs = 10 * 60_000;

interface PendingEvent {
  key: string;
  namespace: string;
  object: KubeObject;
  component: string;
  type: EventType;
  reason: string;
  message: string;
  count: number;
  firstMs: number;
  lastMs: number;
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  lastSeenMs: number;
}

export interface EventSinkOptions {
  /** Distinct Events allowed to wait; more are dropped. Default 1000 (client-go's queue size). */
  maxQueued?: number;
  /** Requests in flight at once. Default 4: enough to keep up with a busy sync controller. */
  concurrency?: number;
  now?: () => number;
}

/** Sends queued Events to the host; one per manager, shared by every recorder. */
export class EventSink {
  readonly #client: KubeClient;
  readonly #logger: Logger;
  readonly #maxQueued: number;
  readonly #concurrency: number;
  readonly #now: () => number;
  /** Waiting Events by key, oldest first. */
  readonly #pending = new Map<string, PendingEvent>();
  /** Keys being sent now: a repeat waits for them so that it patches instead of creating twice. */
  readonly #sending = new Set<string>();
  /** Events created within the aggregation window, least recently seen first. */
  readonly #recent = new Map<string, Recorded>();
  #dropped = 0;
  #idle: (() => void)[] = [];

  constructor(client: KubeClient, logger: Logger, options: EventSinkOptions = {}) {
    this.#client = client;
    this.#logger = logger;
    this.#maxQueued = options.maxQueued ?? 1000;
    this.#concurrency = options.concurrency ?? 4;
    this.#now = options.now ?? Date.now;
  }

  recorder(component: string): EventRecorder {
    return new EventRecorder(this, component);
  }

  /** Queue one Event; never throws, never waits. */
  enqueue(
    object: KubeObject,
    component: string,
    type: EventType,
    reason: string,
    message: string,
  ): void {
    const meta = object.metadata ?? {};
    const key = [meta.uid, component, type, reason, message].join('\u0000');
    const nowMs = this.#now();
    const waiting = this.#pending.get(key);
    if (waiting) {
      waiting.count += 1;
      waiting.lastMs = nowMs;
      return;
    }
    if (this.#pending.size >= this.#maxQueued) {
      if (this.#dropped++ === 0) {
        this.#logger.error('Event queue full: dropping events', undefined, {
          queued: this.#pending.size,
        });
      }
      return;
    }
    this.#pending.set(key, {
      key,
      namespace: meta.namespace ?? 'default',
      object,
      component,
      type,
      reason,
      message,
      count: 1,
      firstMs: nowMs,
      lastMs: nowMs,
    });
    this.#pump();
  }

  /** Resolves once nothing waits or is being sent. */
  async drained(): Promise<void> {
    if (this.#pending.size === 0 && this.#sending.size === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#sending.size < this.#concurrency) {
      const next = this.#nextSendable();
      if (next === undefined) break;
      this.#pending.delete(next.key);
      this.#sending.add(next.key);
      void this.#send(next).finally(() => {
        this.#sending.delete(next.key);
        this.#pump();
        if (this.#pending.size === 0 && this.#sending.size === 0) this.#settle();
      });
    }
  }

  #nextSendable(): PendingEvent | undefined {
    for (const event of this.#pending.values()) {
      if (!this.#sending.has(event.key)) return event;
    }
    return undefined;
  }

  #settle(): void {
    if (this.#dropped > 0) {
      this.#logger.error('Events were dropped while the queue was full', undefined, {
        dropped: this.#dropped,
      });
      this.#dropped = 0;
    }
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }

  async #send(event: PendingEvent): Promise<void> {
    this.#forgetOld(event.lastMs);
    const lastTimestamp = kubeTime(event.lastMs);
    const meta = event.object.metadata ?? {};
    try {
      const seen = this.#recent.get(event.key);
      if (seen) {
        seen.count += event.count;
        this.#touch(event.key, seen, event.lastMs);
        await this.#client.patch(
          eventsResource,
          seen.name,
          { count: seen.count, lastTimestamp },
          { type: 'merge', namespace: seen.namespace },
        );
        return;
      }
      const name = `${meta.name ?? 'unknown'}.${event.firstMs.toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
      await this.#client.create(eventsResource, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: event.namespace },
        involvedObject: {
          apiVersion: event.object.apiVersion,
          kind: event.object.kind,
          name: meta.name,
          namespace: meta.namespace,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component: event.component },
        reportingComponent: event.component,
        count: event.count,
        firstTimestamp: kubeTime(event.firstMs),
        lastTimestamp,
      });
      this.#touch(
        event.key,
        { name, namespace: event.namespace, count: event.count, lastSeenMs: 0 },
        event.lastMs,
      );
    } catch (error) {
      this.#recent.delete(event.key);
      this.#logger.error('Recording an event failed', error, {
        reason: event.reason,
        object: `${event.namespace}/${meta.name ?? ''}`,
      });
    }
  }

  /** Keeps `#recent` ordered by last sight, so forgetting stops at the first fresh entry. */
  #touch(key: string, recorded: Recorded, nowMs: number): void {
    recorded.lastSeenMs = nowMs;
    this.#recent.delete(key);
    this.#recent.set(key, recorded);
  }

  #forgetOld(nowMs: number): void {
    for (const [key, seen] of this.#recent) {
      if (nowMs - seen.lastSeenMs <= aggregationWindowMs) break;
      this.#recent.delete(key);
    }
  }
}

/** Records Events under one component name (`source.component`). */
export class EventRecorder {
  readonly #sink: EventSink;
  readonly #component: string;

  constructor(sink: EventSink, component: string) {
    this.#sink = sink;
    this.#component = component;
  }

  record(object: KubeObject, type: EventType, reason: string, message: string): void {
    this.#sink.enqueue(object, this.#component, type, reason, message);
  }
}
