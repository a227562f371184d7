// The host cluster's informers, shared: one list+watch per (resource, namespace), however many
// controllers read it (client-go's SharedInformerFactory). A controller adds its handlers to the
// shared informer; objects already cached are replayed to them, so a late controller sees the same
// world as an early one. The manager starts the factory while it is still a standby, so a new
// leader's controllers begin with synced caches.
import { Informer, stripManagedFields } from '../kube/informer.ts';
import type { ListerWatcher } from '../kube/informer.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { Logger } from '../runtime/logger.ts';

export class HostInformers {
  readonly #host: ListerWatcher;
  readonly #logger: Logger;
  readonly #informers = new Map<string, Informer>();
  #started = false;
  #stopped = false;

  constructor(host: ListerWatcher, logger: Logger) {
    this.#host = host;
    this.#logger = logger;
  }

  /** The shared informer of `resource` in `namespace` (all namespaces when undefined). */
  informer(resource: ResourceRef, namespace?: string): Informer {
    if (this.#stopped) throw new Error('host informers are stopped');
    const key = `${resource.group}/${resource.version}/${resource.resource}@${namespace ?? ''}`;
    let informer = this.#informers.get(key);
    if (informer === undefined) {
      informer = new Informer({
        client: this.#host,
        resource,
        namespace,
        transform: stripManagedFields,
        logger: this.#logger,
      });
      this.#informers.set(key, informer);
      if (this.#started) informer.start();
    }
    return informer;
  }

  /** Starts every informer asked for so far, and from now on each new one at once. */
  start(): void {
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
    this.#informers.clear();
  }
}
