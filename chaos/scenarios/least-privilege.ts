// Least-privilege join (issue 16, point 2): a member joined with `kubefedctl join --rbac
// least-privilege` and an account that tries to escalate with the token join gave it. Every
// `kubectl auth can-i` escalation check must be denied, a server-side dry-run widening its own
// ClusterRole to `*/*/*` refused, and what propagation needs allowed. A control plane of its own
// (its own KubeFed namespace on the host) federates ConfigMaps, Namespaces and ClusterRoles, the
// last being the type whose rights an escalating account would want.
import { kubectl, runCli, waitForNamespaceGone } from '../../test/integration/fixture.ts';
import {
  asAccount,
  canI,
  escalationChecks,
  joinedAccountToken,
  joinedRole,
  widenedRole,
} from '../../test/integration/joined-account.ts';
import { MAX_ESCALATIONS_ALLOWED } from '../goals.ts';
import type { Scenario } from '../scenario.ts';

const KUBEFED_NS = 'chaos-lp';
const CLUSTER = 'chaos-lp-member1';
const MEMBER = 'member1';
const TYPES = ['configmaps', 'namespaces', 'clusterroles.rbac.authorization.k8s.io'];
/** What propagating those types needs: each must stay allowed. */
const NEEDED = [
  'create configmaps -n default',
  'update configmaps -n default',
  'watch configmaps --all-namespaces',
  'create namespaces',
  'get /healthz',
];
const SECRETS = ['get secrets -n kube-system', 'list secrets --all-namespaces'];

export const leastPrivilege: Scenario = {
  name: 'least-privilege',
  fault: 'the account of a least-privilege join tries to escalate with its own token',
  async run(env) {
    const { sandbox } = env;
    const common = [
      ...['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'],
      ...['--kubefed-namespace', KUBEFED_NS],
    ];
    const kubefedctl = async (args: string[]): Promise<void> => {
      const result = await runCli('kubefedctl', [...args, ...common]);
      if (result.code !== 0) throw new Error(`kubefedctl ${args.join(' ')}: ${result.stderr}`);
    };
    await waitForNamespaceGone(sandbox, 'host', KUBEFED_NS);
    await kubefedctl(['init', '--skip-default-types']);
    for (const type of TYPES) await kubefedctl(['enable', type]);
    await kubefedctl(['join', CLUSTER, '--cluster-context', MEMBER, '--rbac', 'least-privilege']);
    try {
      const token = await joinedAccountToken(sandbox, MEMBER, KUBEFED_NS, CLUSTER);
      const role = joinedRole(CLUSTER);
      const allowed: string[] = [];
      for (const check of [...escalationChecks(role), ...SECRETS]) {
        if (await canI(sandbox, MEMBER, token, check)) allowed.push(`can-i ${check}`);
      }
      const widen = await asAccount(
        sandbox,
        MEMBER,
        token,
        ['replace', '--dry-run=server', '-f', '-'],
        await widenedRole(sandbox, MEMBER, role),
      );
      const widenRefused = widen.code !== 0 && widen.output.includes('(Forbidden)');
      if (!widenRefused) allowed.push(`dry-run widening ${role} to */*/*: ${widen.output.trim()}`);
      const denied: string[] = [];
      for (const check of NEEDED) {
        if (!(await canI(sandbox, MEMBER, token, check))) denied.push(`can-i ${check}`);
      }
      return {
        pass: allowed.length <= MAX_ESCALATIONS_ALLOWED && denied.length === 0,
        figures: {
          escalation_checks: escalationChecks(role).length + SECRETS.length + 1,
          allowed: allowed.length,
          widen_dry_run: widenRefused ? 'refused' : 'accepted',
          needed_allowed: `${String(NEEDED.length - denied.length)}/${String(NEEDED.length)}`,
        },
        goal: `escalations allowed <= ${String(MAX_ESCALATIONS_ALLOWED)} (can-i escalate/bind/impersonate/RBAC writes/secrets, dry-run widening its own ClusterRole); what propagation needs allowed`,
        examples: [...allowed, ...denied.map((d) => `denied ${d}`)],
      };
    } finally {
      await runCli('kubefedctl', ['unjoin', CLUSTER, '--cluster-context', MEMBER, ...common]);
      await kubectl(sandbox, [
        '--context',
        'host',
        'delete',
        'namespace',
        KUBEFED_NS,
        '--wait=false',
      ]);
    }
  },
};
