// Fuzzed bad input: malformed FederatedConfigMaps (chaos/fuzz.ts); of those the apiserver admits,
// each must say on the object that it is wrong (status or a Warning Event), once the controller
// has looked at it.
import { setTimeout as sleep } from 'node:timers/promises';
import { isApiError } from '../../src/kube/errors.ts';
import type { KubeObject } from '../../src/json/object.ts';
import { pool } from '../../bench/pool.ts';
import { REPORTED_SHARE } from '../goals.ts';
import { eventsResource, federatedConfigMaps } from '../env.ts';
import { waitUntil } from '../../bench/wait.ts';
import { malformedObjects, observed, reportedOnObject } from '../fuzz.ts';
import type { Scenario } from '../scenario.ts';

const NS = 'chaos-bad-input';
/** Once the controller has written every object's status, Events may trail it a little. */
const EVENT_GRACE_S = 5;
const OBSERVE_TIMEOUT_S = 90;

export const badInput: Scenario = {
  name: 'bad-input',
  fault: 'malformed federated objects (overrides, placements, clusters, values)',
  async run(env, { quick, seed }) {
    const count = quick ? 70 : 300;
    await env.manager(env.configFile());
    await env.federatedNamespace(NS);
    const objects = malformedObjects(count, seed, NS, env.members);
    const category = new Map(objects.map((m) => [m.object.metadata?.name ?? '', m.category]));
    const admitted = new Set<string>();
    await pool(objects, 8, async ({ object }) => {
      try {
        await env.host.create(federatedConfigMaps, object, { namespace: NS });
        admitted.add(object.metadata?.name ?? '');
      } catch (error) {
        // Refused at admission (422 Invalid, 400 BadRequest): the user was told at once.
        if (!isApiError(error) || (error.statusCode !== 422 && error.statusCode !== 400))
          throw error;
      }
    });

    let objectsNow: KubeObject[] = [];
    let warnings = new Map<string, number>();
    const read = async (): Promise<void> => {
      objectsNow = (await env.host.list(federatedConfigMaps, { namespace: NS })).items;
      warnings = new Map();
      for (const e of (await env.host.list(eventsResource, { namespace: NS })).items) {
        const ev = e as { type?: string; involvedObject?: { uid?: string }; count?: number };
        const uid = ev.involvedObject?.uid ?? '';
        if (ev.type === 'Warning') warnings.set(uid, (warnings.get(uid) ?? 0) + 1);
      }
    };
    const isReported = (o: KubeObject): boolean =>
      reportedOnObject(o, warnings.get(o.metadata?.uid ?? '') ?? 0);
    await waitUntil(
      'the controller to look at every object',
      async () => {
        await read();
        return objectsNow.every((o) => observed(o) || isReported(o));
      },
      OBSERVE_TIMEOUT_S * 1000,
    ).catch(() => undefined);
    await sleep(EVENT_GRACE_S * 1000);
    await read();

    const silent = objectsNow.filter((o) => admitted.has(o.metadata?.name ?? '') && !isReported(o));
    const silentByCategory = new Map<string, number>();
    for (const o of silent) {
      const c = category.get(o.metadata?.name ?? '') ?? '?';
      silentByCategory.set(c, (silentByCategory.get(c) ?? 0) + 1);
    }
    const share = admitted.size === 0 ? 1 : (admitted.size - silent.length) / admitted.size;
    const cleanup = await env.removeNamespace(NS);
    await env.stopManagers();
    return {
      pass: admitted.size > 0 && share >= REPORTED_SHARE,
      figures: {
        generated: count,
        admitted: admitted.size,
        reported: admitted.size - silent.length,
        share: share.toFixed(3),
        silent_by_kind:
          silentByCategory.size === 0
            ? 'none'
            : [...silentByCategory].map(([c, n]) => `${c}:${String(n)}`).join(','),
        cleanup,
      },
      goal: `reported/admitted >= ${String(REPORTED_SHARE)} (a condition, its message, a cluster reason or a Warning Event)`,
      examples: silent
        .slice(0, 3)
        .map(
          (o) =>
            `silent ${o.metadata?.name ?? ''} (${category.get(o.metadata?.name ?? '') ?? '?'})`,
        ),
    };
  },
};
