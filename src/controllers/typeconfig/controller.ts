// The FederatedTypeConfig controller (spec §6): watches FTCs in the KubeFed namespace and starts,
// stops or restarts one sync controller per enabled type while the process runs, so enabling or
// disabling a type never needs a restart; likewise the legacy status controller of `services`
// (spec §8.1). Its status says whether each of them runs.
import { isDeepStrictEqual } from 'node:util';
import {
  ControllerStatus,
  FEDERATED_TYPE_CONFIG_FINALIZER,
  SETTING_HAS_NO_EFFECT,
} from '../../apis/constants.ts';
import { federatedTypeConfigsResource } from '../../apis/resources.ts';
import {
  NAMESPACES_TYPE_CONFIG,
  applyTypeConfigDefaults,
  isNamespaceTypeConfig,
  targetIsNamespaced,
} from '../../apis/typeconfig.ts';
import type { FederatedTypeConfig, FederatedTypeConfigStatus } from '../../apis/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ClusterRegistry } from '../../multicluster/cluster-registry.ts';
import type { HostInformers } from '../../multicluster/host-informers.ts';
import { setFinalizer } from '../finalizers.ts';
import type { EventRecorder } from '../../runtime/events.ts';
import type { Leadership } from '../../runtime/leadership.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { ControllerMetrics, KubeFedMetrics } from '../../runtime/metrics.ts';
import { ReconcileResult, ReconcileWorker } from '../../runtime/reconcile-worker.ts';
import { planTypeConfig } from './plan.ts';

/** A started per-type controller. */
export interface RunningTypeController {
  stop(): Promise<void>;
}

/** What every per-type controller (sync, FederatedServiceStatus) is built from. */
export interface TypeControllerDeps {
  host: KubeClient;
  /** Namespace the control plane is limited to; all namespaces when undefined. */
  targetNamespace: string | undefined;
  logger: Logger;
  metrics: KubeFedMetrics;
  /** `syncController` / `statusController` `maxConcurrentReconciles` (KubeFed's default is 1). */
  maxConcurrentReconciles: number;
  /** The host's shared informers. */
  informers: HostInformers;
  /** The member clusters and their clients, shared by all controllers. */
  clusters: ClusterRegistry;
  /**
   * Built on a standby, the controller starts working when the process leads; the signal ends
   * every reconcile; writers ask `isLeading` before writing.
   */
  leadership: Leadership;
  /** KubeFedConfig `controllerDuration.availableDelay` / `unavailableDelay`. */
  clusterAvailableDelayMs: number;
  clusterUnavailableDelayMs: number;
  /** Delay for member events and NeedsRecheck; default 10 s (spec §4.1). */
  retryDelayMs?: number;
}

/** How often a key of a per-type controller waits for its caches to sync (NotSynced). */
const NOT_SYNCED_DELAY_MS = 1_000;

/**
 * The reconcile worker of a per-type controller: its deps' concurrency, delays and leadership. It
 * is started when the process leads; until then handlers fill its queue.
 */
export function typeControllerWorker(
  name: string,
  logger: Logger,
  deps: TypeControllerDeps,
  reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult>,
): ReconcileWorker {
  return new ReconcileWorker({
    name,
    logger,
    metrics: deps.metrics,
    maxConcurrentReconciles: deps.maxConcurrentReconciles,
    ...(deps.retryDelayMs === undefined ? {} : { retryDelayMs: deps.retryDelayMs }),
    clusterSyncDelayMs: NOT_SYNCED_DELAY_MS,
    signal: deps.leadership.signal,
    isLeading: () => deps.leadership.isLeading(),
    reconcile,
  });
}

export interface TypeConfigControllerDeps {
  host: KubeClient;
  /** The FTCs are read through the shared host informer. */
  informers: HostInformers;
  namespace: string;
  /**
   * On a standby the controller already starts the sync controllers (so that their caches sync)
   * but writes nothing; once leading it reconciles every FTC again, writing finalizers and status.
   */
  leadership: Leadership;
  /** Namespaced control plane: cluster-scoped types are not federated. */
  limitedScope: boolean;
  /** The RawResourceStatusCollection feature gate: on, it replaces the legacy status controller. */
  rawResourceStatusCollection: boolean;
  logger: Logger;
  /** Events on FTCs (a setting that has no effect). */
  events: EventRecorder;
  metrics: ControllerMetrics;
  startSyncController: (ftc: FederatedTypeConfig) => Promise<RunningTypeController>;
  /** Starts the legacy status controller of an FTC with a `statusType` (spec §8.1). */
  startStatusController: (ftc: FederatedTypeConfig) => RunningTypeController;
}

interface RunningEntry {
  /** The FTC generation the controller was built from. */
  generation: number;
  controller: RunningTypeController;
}

export class TypeConfigController {
  readonly #deps: TypeConfigControllerDeps;
  readonly #informer: Informer;
  readonly #worker: ReconcileWorker;
  /** Sync controllers by FTC name. */
  readonly #running = new Map<string, RunningEntry>();
  /** Status controllers by FTC name. */
  readonly #statusRunning = new Map<string, RunningEntry>();
  /** FTC name → the generation whose ignored `statusCollection` was reported, and whether in an Event. */
  readonly #statusCollectionReported = new Map<string, { generation: number; recorded: boolean }>();
  readonly #removeHandler: () => void;
  #cancelLeading: (() => void) | undefined;

  constructor(deps: TypeConfigControllerDeps) {
    this.#deps = deps;
    this.#worker = new ReconcileWorker({
      name: 'federatedtypeconfig',
      reconcile: (name, signal) => this.#reconcile(name, signal),
      signal: deps.leadership.signal,
      logger: deps.logger,
      metrics: deps.metrics,
    });
    const enqueue = (obj: { metadata?: { name?: string } }): void => {
      const name = obj.metadata?.name ?? '';
      this.#worker.enqueue(name);
      // Namespaced types wait for the namespaces FTC: re-check them when it changes.
      if (name === NAMESPACES_TYPE_CONFIG) this.#enqueueNamespacedTypes();
    };
    this.#informer = deps.informers.informer(federatedTypeConfigsResource, deps.namespace);
    this.#removeHandler = this.#informer.addEventHandler({
      onAdd: enqueue,
      onUpdate: (_old, obj) => enqueue(obj),
      onDelete: enqueue,
    });
  }

  start(): void {
    this.#deps.logger.info('Starting FederatedTypeConfig controller');
    this.#worker.start();
    // As a standby it wrote no finalizer and no status: now it does.
    this.#cancelLeading = this.#deps.leadership.whenLeading(() => {
      for (const obj of this.#informer.list()) this.#worker.enqueue(obj.metadata?.name ?? '');
    });
  }

  /**
   * Stops the per-type controllers. A leader (graceful shutdown stops the controllers before the
   * term ends) then says so in the status of each FTC it ran, so that no FTC shows a stale
   * `Running` while no manager runs it; a standby taking over writes `Running` again.
   */
  async stop(): Promise<void> {
    this.#cancelLeading?.();
    this.#removeHandler();
    await this.#worker.stop();
    const names = new Set([...this.#running.keys(), ...this.#statusRunning.keys()]);
    const running = [...this.#running.values(), ...this.#statusRunning.values()];
    this.#running.clear();
    this.#statusRunning.clear();
    await Promise.all(running.map((r) => r.controller.stop()));
    if (this.#deps.leadership.isLeading()) await this.#markNotRunning(names);
  }

  async #markNotRunning(names: ReadonlySet<string>): Promise<void> {
    const notRunning = {
      propagationController: ControllerStatus.NotRunning,
      statusController: ControllerStatus.NotRunning,
    };
    await Promise.all(
      [...names].map(async (name) => {
        const ftc = this.#cached(name);
        if (ftc === undefined) return;
        const status: FederatedTypeConfigStatus = {
          ...ftc.status,
          observedGeneration: ftc.status?.observedGeneration ?? 0,
          ...notRunning,
        };
        try {
          await this.#writeStatus(ftc, status, this.#deps.leadership.signal);
        } catch (error) {
          this.#deps.logger.error('Marking the controllers not running failed', error, {
            object: `${this.#deps.namespace}/${name}`,
          });
        }
      }),
    );
  }

  #cached(name: string): FederatedTypeConfig | undefined {
    return this.#informer.get(`${this.#deps.namespace}/${name}`) as FederatedTypeConfig | undefined;
  }

  #enqueueNamespacedTypes(): void {
    for (const obj of this.#informer.list() as FederatedTypeConfig[]) {
      if (targetIsNamespaced(obj) && !isNamespaceTypeConfig(obj))
        this.#worker.enqueue(obj.metadata?.name ?? '');
    }
  }

  async #reconcile(name: string, signal: AbortSignal): Promise<ReconcileResult> {
    if (!this.#informer.hasSynced()) return ReconcileResult.NotSynced;
    const cached = this.#cached(name);
    const logger = this.#deps.logger.child({ object: `${this.#deps.namespace}/${name}` });
    if (!cached) {
      await this.#stopSync(name, logger);
      await this.#stopStatus(name, logger);
      this.#statusCollectionReported.delete(name);
      return ReconcileResult.AllOK;
    }
    // A standby starts and stops the controllers (they only fill their caches) but writes nothing.
    const leading = this.#deps.leadership.isLeading();
    const ftc = applyTypeConfigDefaults(cached);
    const plan = planTypeConfig(ftc, {
      limitedScope: this.#deps.limitedScope,
      namespacesTypeConfigPresent: this.#cached(NAMESPACES_TYPE_CONFIG) !== undefined,
      runningGeneration: this.#running.get(name)?.generation,
      statusRunningGeneration: this.#statusRunning.get(name)?.generation,
      rawResourceStatusCollection: this.#deps.rawResourceStatusCollection,
    });
    switch (plan.kind) {
      case 'finalize':
        if (plan.stop) await this.#stopSync(name, logger);
        if (plan.stopStatus) await this.#stopStatus(name, logger);
        if (isNamespaceTypeConfig(ftc)) this.#enqueueNamespacedTypes();
        if (leading) await this.#setFinalizer(ftc, false, signal);
        return ReconcileResult.AllOK;
      case 'skip-cluster-scoped':
        logger.info(
          `Skipping start of sync controller for cluster-scoped resource "${name}": it is not required for a namespaced KubeFed control plane`,
        );
        if (plan.statusAction === 'stop') await this.#stopStatus(name, logger);
        if (leading) await this.#writeStatus(ftc, plan.status, signal);
        return ReconcileResult.AllOK;
      case 'sync': {
        if (leading && (await this.#setFinalizer(ftc, true, signal))) {
          if (isNamespaceTypeConfig(ftc)) this.#enqueueNamespacedTypes();
        }
        const generation = ftc.metadata?.generation ?? 0;
        if (plan.action === 'stop' || plan.action === 'restart') await this.#stopSync(name, logger);
        if (plan.action === 'start' || plan.action === 'restart') {
          logger.info(`Starting sync controller for "${ftc.spec.federatedType.kind}"`);
          this.#running.set(name, {
            generation,
            controller: await this.#deps.startSyncController(ftc),
          });
        }
        if (plan.statusAction === 'stop' || plan.statusAction === 'restart')
          await this.#stopStatus(name, logger);
        if (plan.statusAction === 'start' || plan.statusAction === 'restart') {
          logger.info(`Starting status controller for "${ftc.spec.federatedType.kind}"`);
          this.#statusRunning.set(name, {
            generation,
            controller: this.#deps.startStatusController(ftc),
          });
        }
        if (plan.statusCollectionIgnored !== undefined) {
          this.#reportStatusCollectionIgnored(ftc, plan.statusCollectionIgnored, logger, leading);
        }
        if (leading) await this.#writeStatus(ftc, plan.status, signal);
        if (plan.blocked) {
          logger.error('Cannot start the sync controller', new Error(plan.blocked));
          return ReconcileResult.Error;
        }
        return ReconcileResult.AllOK;
      }
    }
  }

  async #stopSync(name: string, logger: Logger): Promise<void> {
    const running = this.#running.get(name);
    if (!running) return;
    this.#running.delete(name);
    logger.info('Stopping sync controller');
    await running.controller.stop();
  }

  async #stopStatus(name: string, logger: Logger): Promise<void> {
    const running = this.#statusRunning.get(name);
    if (!running) return;
    this.#statusRunning.delete(name);
    logger.info('Stopping status controller');
    await running.controller.stop();
  }

  /**
   * Once per FTC generation (every reconcile of the FTC would repeat it): a warning, and a Warning
   * Event on the FTC once this process leads (a standby writes nothing).
   */
  #reportStatusCollectionIgnored(
    ftc: FederatedTypeConfig,
    message: string,
    logger: Logger,
    leading: boolean,
  ): void {
    const name = ftc.metadata?.name ?? '';
    const generation = ftc.metadata?.generation ?? 0;
    const reported = this.#statusCollectionReported.get(name);
    const sameGeneration = reported?.generation === generation;
    if (!sameGeneration) logger.warn(message);
    const recorded = sameGeneration && reported.recorded;
    if (leading && !recorded)
      this.#deps.events.record(ftc, 'Warning', SETTING_HAS_NO_EFFECT, message);
    this.#statusCollectionReported.set(name, { generation, recorded: recorded || leading });
  }

  /** Adds or removes the FTC finalizer; true when it changed anything. */
  async #setFinalizer(
    ftc: FederatedTypeConfig,
    present: boolean,
    signal: AbortSignal,
  ): Promise<boolean> {
    const written = await setFinalizer(
      this.#deps.host,
      federatedTypeConfigsResource,
      ftc,
      FEDERATED_TYPE_CONFIG_FINALIZER,
      present,
      signal,
    );
    return written !== undefined;
  }

  async #writeStatus(
    ftc: FederatedTypeConfig,
    status: FederatedTypeConfig['status'],
    signal: AbortSignal,
  ): Promise<void> {
    if (isDeepStrictEqual(ftc.status, status)) return;
    await this.#deps.host.patch(
      federatedTypeConfigsResource,
      ftc.metadata?.name ?? '',
      { status },
      {
        type: 'merge',
        namespace: this.#deps.namespace,
        subresource: 'status',
        signal,
      },
    );
  }
}
