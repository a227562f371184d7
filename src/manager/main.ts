// kubefed-controller-manager: loads the KubeFedConfig, serves /healthz and /metrics, starts the
// selected controllers while it is a standby (their host and member caches sync, their queues
// fill; nothing reconciles or writes), campaigns for the `kubefed-controller-manager` Lease and,
// the moment it leads, lets them work. The term's signal goes into every reconcile and request:
// when the lease is lost, in-flight work is aborted and the process exits at once (non-zero);
// SIGTERM ends the term the same way, then releases the lease so a standby takes over at once.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient, userAgentFor } from '../kube/client.ts';
import { errorMessage } from '../kube/errors.ts';
import { inClusterConfig, isInCluster, serviceAccountDir } from '../kube/in-cluster.ts';
import { loadClusterConfig } from '../kube/kubeconfig.ts';
import { ClusterRegistry } from '../multicluster/cluster-registry.ts';
import { HostInformers } from '../multicluster/host-informers.ts';
import { EventSink } from '../runtime/events.ts';
import { startHttpServer, type RunningHttpServer } from '../runtime/http-server.ts';
import { LeaderElector } from '../runtime/leader-election.ts';
import { Leadership } from '../runtime/leadership.ts';
import { Logger } from '../runtime/logger.ts';
import {
  MetricsRegistry,
  registerKubeFedMetrics,
  type KubeFedMetrics,
} from '../runtime/metrics.ts';
import {
  controllerRegistry,
  knownControllers,
  type ControllerContext,
  type RunningController,
} from './controllers.ts';
import { loadKubeFedConfig, runtimeConfig } from './kubefed-config.ts';
import { describeLeaderLock, leaderLockStore } from './lock-store.ts';
import {
  managerUsage,
  parseManagerOptions,
  selectControllers,
  type ManagerOptions,
} from './options.ts';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
/** How long aborted work and closing caches may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 2_000;

async function main(argv: string[]): Promise<number> {
  const options = parseManagerOptions(argv);
  if (options.help) {
    process.stdout.write(managerUsage);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`kubefed-controller-manager version: ${version}\n`);
    return 0;
  }
  const controllers = selectControllers(options.controllers, knownControllers);
  const logger = new Logger({ verbosity: options.verbosity, format: options.loggingFormat });
  logger.info(`KubeFed controller-manager version: ${version}`);

  const registry = new MetricsRegistry();
  const metrics = registerKubeFedMetrics(registry);
  const servers: RunningHttpServer[] = [];
  try {
    servers.push(await startHttpServer(options.healthzAddr, { healthz: true }));
    servers.push(await startHttpServer(options.metricsAddr, { metrics: registry }));
    return await runControllers(options, controllers, logger, metrics);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

/** Loads the config, campaigns, and runs the controllers while leading; returns the exit code. */
async function runControllers(
  options: ManagerOptions,
  controllers: readonly string[],
  logger: Logger,
  metrics: KubeFedMetrics,
): Promise<number> {
  const namespace = resolveNamespace(options);
  const userAgent = userAgentFor('kubefed-controller-manager', version);
  const connection = hostConnection(options);
  const rateLimit = {
    // 0 means unlimited, as in client-go (the limits apply only when > 0).
    ...(options.restConfigQps > 0 ? { qps: options.restConfigQps } : {}),
    ...(options.restConfigBurst > 0 ? { burst: options.restConfigBurst } : {}),
  };
  // Writes of the host and member clients are fenced by the leadership: while the KubeFedConfig
  // is loaded (which may create it) they go out; from then on only while leading. So a standby
  // writes nothing, nor does a leader whose term is over, even a write prepared before a freeze
  // that outlasted the term.
  const leadership = new Leadership();
  let configLoaded = false;
  const writeFence = (): boolean => !configLoaded || leadership.isLeading();
  const host = new KubeClient(connection, {
    cluster: 'host',
    userAgent,
    ...rateLimit,
    writeFence,
  });
  // Events and the lease get clients (rate limiters, connections) of their own, as client-go's
  // broadcaster and leader election do: a backlog of writes must neither hold up a lease renewal
  // (which would cost the lease) nor be held up by Events.
  const eventsClient = new KubeClient(connection, {
    cluster: 'host',
    userAgent: `${userAgent}/events`,
    ...rateLimit,
  });
  const leaseClient = new KubeClient(connection, {
    cluster: 'host',
    userAgent: `${userAgent}/leader-election`,
  });
  const events = new EventSink(eventsClient, logger.child({ component: 'events' }));
  const informers = new HostInformers(host, logger);
  const clusters = new ClusterRegistry({
    host,
    informers,
    namespace,
    userAgent,
    logger,
    observeConnection: (seconds) => {
      metrics.clusterClientConnectionDuration.observe(seconds);
    },
    writeFence,
  });
  const running: RunningController[] = [];
  let stopping: Promise<unknown> | undefined;
  const stopControllers = (): Promise<unknown> =>
    (stopping ??= Promise.all(running.map((c) => c.stop())));
  try {
    const config = runtimeConfig(
      await loadKubeFedConfig({
        host,
        namespace,
        file: options.kubefedConfig,
        env: process.env,
        logger,
      }),
    );
    if (config.scope === 'Namespaced')
      logger.info(`KubeFed will be limited to the "${namespace}" namespace`);

    configLoaded = true;
    const ctx: ControllerContext = {
      host,
      events,
      namespace,
      config,
      logger,
      metrics,
      informers,
      clusters,
      statusCollectionWindowMs: options.statusCollectionWindowMs,
      podUnschedulableThresholdMs: options.podUnschedulableThresholdMs,
      leadership,
      maxMemberRewrites: options.maxMemberRewrites,
    };
    // A standby runs its controllers' caches and queues, so that it takes over warm.
    for (const name of controllers) {
      const controller = controllerRegistry[name]?.start(ctx);
      if (controller !== undefined) running.push(controller);
    }
    informers.start();

    const identity = `${hostname()}_${randomUUID()}`;
    const elector = new LeaderElector({
      identity,
      store: leaderLockStore(
        leaseClient,
        namespace,
        config.resourceLock,
        logger.child({ component: 'leader-election' }),
      ),
      timings: {
        leaseDurationMs: config.leaseDurationMs,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
      },
      onError: (error) =>
        logger.v(1).info('Leader election attempt failed', { error: String(error) }),
    });
    let terminating = false;
    const onSignal = (signal: string): void => {
      if (terminating) return;
      terminating = true;
      logger.info(`Received ${signal}, shutting down`);
      elector.stop();
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));

    logger.info('Attempting to acquire the leader lease', {
      identity,
      lock: describeLeaderLock(namespace, config.resourceLock),
    });
    const term = await elector.acquire();
    if (term === undefined) {
      leadership.abandon();
      return 0;
    }
    logger.info('promoted as leader', { identity });
    leadership.begin(term);
    const end = await term.ended;
    if (end === 'lost') {
      logger.error('leader election lost');
      logger.error('lost lease');
      // Everything was aborted with the term; do not wait on anything that still hangs.
      await Promise.race([stopControllers(), sleep(SHUTDOWN_GRACE_MS)]);
      return 1;
    }
    await stopControllers();
    await elector.release();
    return 0;
  } finally {
    await Promise.race([
      Promise.all([stopControllers(), informers.stop(), clusters.close()]),
      sleep(SHUTDOWN_GRACE_MS),
    ]);
    await Promise.all([host.close(), eventsClient.close(), leaseClient.close()]);
  }
}

function resolveNamespace(options: ManagerOptions): string {
  if (options.kubefedNamespace) return options.kubefedNamespace;
  if (options.kubeconfig === undefined && isInCluster()) {
    const fromPod = readFileSync(`${serviceAccountDir}/namespace`, 'utf8').trim();
    if (fromPod) return fromPod;
  }
  throw new Error('--kubefed-namespace is required when not running in a cluster');
}

function hostConnection(options: ManagerOptions): ReturnType<typeof loadClusterConfig> {
  if (options.kubeconfig === undefined && options.context === undefined && isInCluster())
    return inClusterConfig();
  return loadClusterConfig({ path: options.kubeconfig, context: options.context });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`Error: ${errorMessage(error)}`);
  process.exitCode = 1;
}
