// Adoption safety (spec §7.7, §7.7a, §7.11): objects a user made in the members before the
// federated object existed are never overwritten while `adoptResources` is Disabled; with it
// Enabled (the default) an unlabelled one is adopted, and from then on owned; one labelled
// `kubefed.io/managed: "false"` is never touched; one in a cluster outside the placement is never
// touched; deleting the federated objects deletes only what they own, and orphaning keeps the
// member copies, unlabelled.
import { setTimeout as sleep } from 'node:timers/promises';
import { MANAGED_LABEL, ORPHAN_ANNOTATION } from '../../src/apis/constants.ts';
import { ifFound } from '../../src/kube/errors.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/json/object.ts';
import { configMapsResource } from '../../bench/tracker.ts';
import { fedConfigMap, federatedConfigMaps } from '../env.ts';
import { waitUntil } from '../../bench/wait.ts';
import { observed } from '../fuzz.ts';
import type { Scenario } from '../scenario.ts';

const NS = 'chaos-adoption';
const WAIT_S = 60;

export const adoption: Scenario = {
  name: 'adoption',
  fault: 'pre-existing unmanaged member objects of the same name, adoption off then on, deletion',
  async run(env) {
    const [m1, m2] = env.memberClients as [KubeClient, KubeClient];
    await env.manager(env.configFile({ adopt: false }));
    await env.federatedNamespace(NS);
    const userObject = async (
      client: KubeClient,
      name: string,
      labels?: Record<string, string>,
    ): Promise<KubeObject> =>
      client.create(
        configMapsResource,
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
          data: { owner: 'user' },
        },
        { namespace: NS },
      );
    // The user's objects, as they were made: each must stay exactly so (same UID and version)
    // unless the spec says otherwise.
    const plain = await userObject(m1, 'user-plain');
    const optOut = await userObject(m1, 'user-opt-out', { [MANAGED_LABEL]: 'false' });
    const elsewhere = await userObject(m2, 'user-elsewhere');
    const both = env.members;
    const data = { owner: 'kubefed' };
    for (const obj of [
      fedConfigMap(NS, 'user-plain', both, data),
      fedConfigMap(NS, 'user-opt-out', both, data),
      fedConfigMap(NS, 'user-elsewhere', ['member1'], data),
      fedConfigMap(NS, 'kept', both, data),
    ]) {
      await env.host.create(federatedConfigMaps, obj, { namespace: NS });
    }
    const get = (c: KubeClient, name: string): Promise<KubeObject | undefined> =>
      ifFound(c.get(configMapsResource, name, { namespace: NS }));
    const untouched = async (c: KubeClient, was: KubeObject): Promise<boolean> => {
      const now = await get(c, was.metadata?.name ?? '');
      return (
        now?.metadata?.uid === was.metadata?.uid &&
        now?.metadata?.resourceVersion === was.metadata?.resourceVersion
      );
    };
    const settled = async (): Promise<void> => {
      await waitUntil(
        'the controller to look at every object',
        async () => {
          const list = (await env.host.list(federatedConfigMaps, { namespace: NS })).items;
          return list.length === 4 && list.every(observed) && (await get(m2, 'kept')) !== undefined;
        },
        WAIT_S * 1000,
      ).catch(() => undefined);
      await sleep(3000);
    };

    // 1. Adoption disabled: nothing of the user's is written.
    await settled();
    const overwritten: string[] = [];
    if (!(await untouched(m1, plain))) overwritten.push('member1/user-plain (adoption disabled)');
    if (!(await untouched(m1, optOut))) overwritten.push('member1/user-opt-out');
    if (!(await untouched(m2, elsewhere))) overwritten.push('member2/user-elsewhere');

    // 2. Adoption enabled (KubeFed's default): the unlabelled one is adopted, the rest untouched.
    await env.stopManagers();
    await env.manager(env.configFile({ adopt: true }));
    const adopted = await waitUntil(
      'member1/user-plain to be adopted',
      async () => {
        const o = await get(m1, 'user-plain');
        return (
          o?.metadata?.labels?.[MANAGED_LABEL] === 'true' &&
          (o as { data?: Record<string, string> }).data?.['owner'] === 'kubefed'
        );
      },
      WAIT_S * 1000,
    ).then(
      () => true,
      () => false,
    );
    await settled();
    if (!(await untouched(m1, optOut))) overwritten.push('member1/user-opt-out (adoption enabled)');
    if (!(await untouched(m2, elsewhere)))
      overwritten.push('member2/user-elsewhere (adoption enabled)');

    // 3. Delete everything, `kept` with orphaning: only what KubeFed owns goes.
    await env.host.patch(
      federatedConfigMaps,
      'kept',
      { metadata: { annotations: { [ORPHAN_ANNOTATION]: 'true' } } },
      { type: 'merge', namespace: NS },
    );
    for (const name of ['user-plain', 'user-opt-out', 'user-elsewhere', 'kept']) {
      await env.host.delete(federatedConfigMaps, name, { namespace: NS });
    }
    await waitUntil(
      'the federated objects to go',
      async () => (await env.host.list(federatedConfigMaps, { namespace: NS })).items.length === 0,
      WAIT_S * 1000,
    ).catch(() => undefined);
    await sleep(3000);
    const deletedUnowned: string[] = [];
    if ((await get(m1, 'user-opt-out')) === undefined) deletedUnowned.push('member1/user-opt-out');
    if ((await get(m2, 'user-elsewhere')) === undefined)
      deletedUnowned.push('member2/user-elsewhere');
    if (!(await untouched(m1, optOut))) overwritten.push('member1/user-opt-out (after deletion)');
    if (!(await untouched(m2, elsewhere)))
      overwritten.push('member2/user-elsewhere (after deletion)');
    const adoptedDeleted = (await get(m1, 'user-plain')) === undefined;
    let orphansKept = 0;
    for (const c of [m1, m2]) {
      const o = await get(c, 'kept');
      if (o !== undefined && o.metadata?.labels?.[MANAGED_LABEL] === undefined) orphansKept++;
    }
    const cleanup = await env.removeNamespace(NS);
    await env.stopManagers();
    return {
      pass:
        overwritten.length === 0 &&
        deletedUnowned.length === 0 &&
        adopted &&
        adoptedDeleted &&
        orphansKept === 2,
      figures: {
        overwritten_unowned: overwritten.length,
        deleted_unowned: deletedUnowned.length,
        adopted_when_enabled: adopted,
        adopted_then_deleted: adoptedDeleted,
        orphaned_copies_kept_unlabelled: `${String(orphansKept)}/2`,
        cleanup,
      },
      goal: '0 unowned objects overwritten or deleted; adopt only when enabled; owned = deleted unless orphaned',
      examples: [
        ...overwritten.map((o) => `overwritten ${o}`),
        ...deletedUnowned.map((o) => `deleted ${o}`),
      ],
    };
  },
};
