// The ReplicaSchedulingPreference controller with KubeFed's scheduling manager folded in (spec
// §9.1, §9.2): it follows the FTCs of `deployments.apps` and `replicasets.apps` and keeps one
// plugin per enabled one (the federated objects on the host, the managed member workloads), and
// spreads each RSP's replicas over the ready clusters. An RSP is queued when it, its federated
// object or its member workloads change, and when a cluster comes or goes.
import {
  NAMESPACES_TYPE_CONFIG,
  applyTypeConfigDefaults,
  federatedIsNamespaced,
  targetIsNamespaced,
} from '../../apis/typeconfig.ts';
import { Toggle } from '../../apis/constants.ts';
import {
  federatedTypeConfigsResource,
  replicaSchedulingPreferencesResource,
} from '../../apis/resources.ts';
import type { FederatedTypeConfig } from '../../apis/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { resourceRefOf } from '../../kube/resource.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';
import { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { EventSink } from '../../runtime/events.ts';
import type { ReconcileWorker } from '../../runtime/reconcile-worker.ts';
import { typeControllerWorker, type TypeControllerDeps } from '../typeconfig/controller.ts';
import type { SchedulingContext, SchedulingPlugin } from './context.ts';
import { reconcileSchedulingPreference } from './reconcile.ts';
import { SCHEDULED_TYPE_CONFIGS } from '../../federation/scheduling/schedule.ts';
import { updateNeedsSync } from '../../federation/propagation/update-filter.ts';

export interface SchedulingControllerDeps extends TypeControllerDeps {
  events: EventSink;
  /** The KubeFed system namespace (FTCs). */
  kubefedNamespace: string;
  /** Pods unschedulable this long lower their cluster's capacity. */
  unschedulableThresholdMs: number;
  /** Member workload status changes of one RSP within this time make one pass. */
  memberEventDelayMs: number;
}

export class SchedulingController {
  readonly #deps: SchedulingControllerDeps;
  readonly #worker: ReconcileWorker;
  readonly #preferences: Informer;
  readonly #typeConfigs: Informer;
  readonly #plugins = new Map<string, SchedulingPlugin & { stop: () => Promise<void> }>();
  readonly #reported = new Map<string, string>();
  readonly #cleanup: (() => void)[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #ctx: SchedulingContext;
  #started = false;
  #cancelLeading: (() => void) | undefined;

  constructor(deps: SchedulingControllerDeps) {
    this.#deps = deps;
    const logger = deps.logger.child({ controller: 'replicaschedulingpreference' });
    this.#worker = typeControllerWorker(
      'replicaschedulingpreference',
      logger,
      deps,
      (key, signal) => reconcileSchedulingPreference(this.#ctx, key, signal),
    );
    // A change of the preference itself starts its backoff over; other events keep it.
    this.#preferences = this.#follow(replicaSchedulingPreferencesResource, deps.targetNamespace, {
      onAdd: (obj) => this.#worker.enqueueChanged(qualifiedName(obj)),
      onUpdate: (_old, obj) => this.#worker.enqueueChanged(qualifiedName(obj)),
      onDelete: (obj) => this.#worker.enqueueChanged(qualifiedName(obj)),
    });
    // A synced informer replays its objects inside addEventHandler, before `#typeConfigs` is
    // assigned: plugins follow the FTCs from start() on.
    const syncPlugins = (): void => {
      if (this.#started) this.#syncPlugins();
    };
    this.#typeConfigs = this.#follow(federatedTypeConfigsResource, deps.kubefedNamespace, {
      onAdd: syncPlugins,
      onUpdate: syncPlugins,
      onDelete: syncPlugins,
    });
    const events = deps.events.recorder('replicaschedulingpreference-controller');
    this.#ctx = {
      host: deps.host,
      preferences: this.#preferences,
      clusters: deps.clusters,
      plugins: this.#plugins,
      knownKinds: [...SCHEDULED_TYPE_CONFIGS.values()],
      limitedScope: deps.targetNamespace !== undefined,
      unschedulableThresholdMs: deps.unschedulableThresholdMs,
      events,
      logger,
      reportOnce: (rsp, reason, message) => {
        const key = `${qualifiedName(rsp)}/${reason}`;
        const stamp = `${String(rsp.metadata?.generation ?? 0)}:${message}`;
        if (this.#reported.get(key) === stamp) return;
        this.#reported.set(key, stamp);
        logger.warn(message, { object: qualifiedName(rsp), reason });
        events.record(rsp, 'Warning', reason, message);
      },
      now: Date.now,
    };
  }

  start(): void {
    this.#deps.logger.info('Starting ReplicaSchedulingPreference controller');
    this.#started = true;
    this.#syncPlugins();
    // A standby's plugins sync their caches; the passes start when the process leads.
    this.#cancelLeading = this.#deps.leadership.whenLeading(() => {
      this.#worker.start();
      this.#enqueueAll();
    });
  }

  async stop(): Promise<void> {
    this.#cancelLeading?.();
    for (const cleanup of this.#cleanup) cleanup();
    for (const timer of this.#timers) clearTimeout(timer);
    await this.#worker.stop();
    await Promise.all([...this.#plugins.values()].map((p) => p.stop()));
    this.#plugins.clear();
  }

  #follow(
    resource: Parameters<SchedulingControllerDeps['informers']['informer']>[0],
    namespace: string | undefined,
    handlers: Parameters<Informer['addEventHandler']>[0],
  ): Informer {
    const informer = this.#deps.informers.informer(resource, namespace);
    const remove = informer.addEventHandler(handlers);
    this.#cleanup.push(() => {
      remove();
      void this.#deps.informers.release(informer);
    });
    return informer;
  }

  #enqueueAll(): void {
    for (const key of this.#preferences.keys()) this.#worker.enqueue(key);
  }

  #afterDelay(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  /** Starts a plugin per enabled scheduled FTC and stops the others (spec §9.1). */
  #syncPlugins(): void {
    const namespaces = this.#typeConfigs.get(
      `${this.#deps.kubefedNamespace}/${NAMESPACES_TYPE_CONFIG}`,
    );
    for (const [ftcName, kind] of SCHEDULED_TYPE_CONFIGS) {
      const cached = this.#typeConfigs.get(`${this.#deps.kubefedNamespace}/${ftcName}`) as
        FederatedTypeConfig | undefined;
      const wanted =
        cached !== undefined &&
        namespaces !== undefined &&
        !cached.metadata?.deletionTimestamp &&
        cached.spec.propagation === Toggle.Enabled;
      const running = this.#plugins.get(kind);
      if (wanted && running === undefined) {
        const namespacesFtc = applyTypeConfigDefaults(namespaces as FederatedTypeConfig);
        this.#plugins.set(
          kind,
          this.#startPlugin(kind, applyTypeConfigDefaults(cached), namespacesFtc),
        );
        this.#enqueueAll();
      } else if (!wanted && running !== undefined) {
        this.#plugins.delete(kind);
        void running.stop();
      }
    }
  }

  /** `namespaces`: the FederatedNamespaces give `intersectWithClusterSelector` its namespace placement. */
  #startPlugin(
    kind: string,
    ftc: FederatedTypeConfig,
    namespaces: FederatedTypeConfig,
  ): SchedulingPlugin & { stop: () => Promise<void> } {
    const deps = this.#deps;
    const federatedResource = resourceRefOf(ftc.spec.federatedType, federatedIsNamespaced(ftc));
    const enqueue = (obj: KubeObject): void => this.#worker.enqueue(qualifiedName(obj));
    const federatedNamespaces = deps.informers.informer(
      resourceRefOf(namespaces.spec.federatedType, true),
      deps.targetNamespace,
    );
    const informer = deps.informers.informer(federatedResource, deps.targetNamespace);
    const removeHandlers = informer.addEventHandler({
      onAdd: enqueue,
      // Not for its status: the sync controller writes it as the members roll out, and the member
      // workloads' own events already bring those changes here.
      onUpdate: (old, obj) => {
        if (updateNeedsSync(old, obj)) enqueue(obj);
      },
      onDelete: enqueue,
    });
    const members = new FederatedInformer({
      clusters: deps.clusters,
      target: resourceRefOf(ftc.spec.targetType, targetIsNamespaced(ftc)),
      targetNamespace: deps.targetNamespace,
      logger: deps.logger.child({ controller: 'replicaschedulingpreference', plugin: kind }),
      onClusterAvailable: () =>
        this.#afterDelay(deps.clusterAvailableDelayMs, () => this.#enqueueAll()),
      onClusterUnavailable: () =>
        this.#afterDelay(deps.clusterUnavailableDelayMs, () => this.#enqueueAll()),
      // Replicas becoming ready or pods turning unschedulable: behind other work, once per delay.
      onMemberEvent: (key) => this.#worker.enqueueLowPriority(key, deps.memberEventDelayMs),
    });
    members.start();
    return {
      kind,
      federatedResource,
      federated: informer,
      federatedNamespaces,
      members,
      stop: async () => {
        removeHandlers();
        await Promise.all([
          members.stop(),
          deps.informers.release(informer),
          deps.informers.release(federatedNamespaces),
        ]);
      },
    };
  }
}
