// The host cluster's informers, shared: one list+watch per (resource, namespace), however many
// controllers read it (client-go's SharedInformerFactory). A controller adds its handlers to the
// shared informer; objects already cached are replayed to them, so a late controller sees the same
// world as an early one. Users release what they no longer need (a sync controller of a type
// that was disabled): an informer nobody uses any more is stopped. The manager starts the factory
// while it is still a standby, so a new leader's controllers begin with synced caches.
import { Informer, stripManagedFields } from '../kube/informer.ts';
import type { ListerWatcher } from '../kube/informer.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { Logger } from '../runtime/logger.ts';

export class HostInformers {
  readonly #host: ListerWatcher;
  readonly #logger: Logger;
  readonly #informers = new Map<string, { informer: Informer; users: number }>();
  #started = false;
  #stopped = false;

  constructor(host: ListerWatcher, logger: Logger) {
    this.#host = host;
    this.#logger = logger;
  }

  /**
   * The shared informer of `resource` in `namespace` (all namespaces when undefined). Each call
   * counts one user, until `release`.
   */
  informer(resource: ResourceRef, namespace?: string): Informer {
    if (this.#stopped) throw new Error('host informers are stopped');
    const key = `${resource.group}/${resource.version}/${resource.resource}@${namespace ?? ''}`;
    let entry = this.#informers.get(key);
    if (entry === undefined) {
      const informer = new Informer({
        client: this.#host,
        resource,
        namespace,
        transform: stripManagedFields,
        logger: this.#logger,
      });
      entry = { informer, users: 0 };
      this.#informers.set(key, entry);
      if (this.#started) informer.start();
    }
    entry.users++;
    return entry.informer;
  }

  /** One user less; the last one stops the informer (its handlers must be removed already). */
  async release(informer: Informer): Promise<void> {
    for (const [key, entry] of this.#informers) {
      if (entry.informer !== informer) continue;
      if (--entry.users > 0) return;
      this.#informers.delete(key);
      await informer.stop();
      return;
    }
  }

  /** Starts every informer asked for so far, and from now on each new one at once. */
  start(): void {
    this.#started = true;
    for (const { informer } of this.#informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#informers.values()].map(({ informer }) => informer.stop()));
    this.#informers.clear();
  }
}
