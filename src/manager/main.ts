// kubefed-controller-manager: loads the KubeFedConfig, serves /healthz and /metrics, campaigns
// for the `kubefed-controller-manager` Lease and, while it leads, runs the selected controllers.
// SIGTERM stops the controllers and releases the lease, so a standby takes over at once; losing
// the lease exits non-zero (a controller that may no longer lead must not keep writing).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ClusterController } from '../controllers/cluster/cluster-controller.ts';
import { MemberClientRegistry } from '../multicluster/member-clients.ts';
import { startSyncController } from '../controllers/sync/controller.ts';
import { TypeConfigController } from '../controllers/typeconfig/controller.ts';
import { KubeClient, userAgentFor } from '../kube/client.ts';
import { inClusterConfig, isInCluster, serviceAccountDir } from '../kube/in-cluster.ts';
import { loadClusterConfig } from '../kube/kubeconfig.ts';
import { EventSink } from '../runtime/events.ts';
import { startHttpServer, type RunningHttpServer } from '../runtime/http-server.ts';
import { LeaderElector } from '../runtime/leader-election.ts';
import { Logger } from '../runtime/logger.ts';
import {
  MetricsRegistry,
  registerKubeFedMetrics,
  type KubeFedMetrics,
} from '../runtime/metrics.ts';
import { loadKubeFedConfig, runtimeConfig } from './kubefed-config.ts';
import { leaseStore } from './lease-store.ts';
import {
  managerUsage,
  parseManagerOptions,
  selectControllers,
  type ManagerOptions,
} from './options.ts';
import { errorMessage } from '../kube/errors.ts';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const knownControllers = ['kubefedcluster', 'federatedtypeconfig'] as const;

interface RunningController {
  stop(): Promise<void>;
}

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
  const host = new KubeClient(connection, { cluster: 'host', userAgent, ...rateLimit });
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

    const identity = `${hostname()}_${randomUUID()}`;
    const elector = new LeaderElector({
      identity,
      store: leaseStore(leaseClient, namespace),
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
      lease: `${namespace}/kubefed-controller-manager`,
    });
    const running: RunningController[] = [];
    let exitCode = 0;
    if (await elector.acquire()) {
      logger.info('promoted as leader', { identity });
      if (controllers.includes('kubefedcluster')) {
        const controller = new ClusterController({
          host,
          namespace,
          options: config.healthCheck,
          logger: logger.child({ controller: 'kubefedcluster' }),
          metrics,
          events: events.recorder('kubefedcluster-controller'),
          userAgent,
        });
        controller.start();
        running.push(controller);
      }
      if (
        controllers.includes('federatedtypeconfig') &&
        config.featureGates.get('PushReconciler') !== false
      ) {
        const controllerLogger = logger.child({ controller: 'federatedtypeconfig' });
        // One client (one connection pool) per member cluster, shared by every sync controller.
        const memberClients = new MemberClientRegistry({
          host,
          namespace,
          userAgent,
          logger,
          observeConnection: (seconds) => {
            metrics.clusterClientConnectionDuration.observe(seconds);
          },
        });
        const controller = new TypeConfigController({
          host,
          namespace,
          limitedScope: config.scope === 'Namespaced',
          logger: controllerLogger,
          metrics,
          startSyncController: (ftc) =>
            startSyncController(ftc, {
              host,
              events,
              kubefedNamespace: namespace,
              targetNamespace: config.scope === 'Namespaced' ? namespace : undefined,
              logger,
              metrics,
              maxConcurrentReconciles: config.syncMaxConcurrentReconciles,
              memberClients,
              skipAdoptingResources: config.skipAdoptingResources,
              clusterAvailableDelayMs: config.clusterAvailableDelayMs,
              clusterUnavailableDelayMs: config.clusterUnavailableDelayMs,
            }),
        });
        controller.start();
        running.push({
          stop: async () => {
            await controller.stop();
            await memberClients.close();
          },
        });
      }
      const outcome = await elector.holdLeadership();
      if (outcome === 'lost') {
        logger.error('leader election lost');
        logger.error('lost lease');
        exitCode = 1;
      }
    }
    await Promise.all(running.map((c) => c.stop()));
    return exitCode;
  } finally {
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
