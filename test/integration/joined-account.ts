// Acting as the service account `kubefedctl join` creates in a member: its token, kubectl with it,
// and the checks that tell a least-privilege account from one that can escalate. Shared by
// least-privilege.test.ts and the chaos suite's least-privilege scenario.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { kubectl, type TestSandbox } from './fixture.ts';

const execFileAsync = promisify(execFile);

/** The member's ServiceAccount (and its token Secret) for a joined cluster, as join names it. */
export const joinedAccount = (cluster: string): string => `${cluster}-host`;
/** The ClusterRole join gives that account. */
export const joinedRole = (cluster: string): string =>
  `kubefed-controller-manager:${joinedAccount(cluster)}`;

/**
 * `kubectl auth can-i` checks an account that cannot escalate is denied: the RBAC verbs and
 * writes that would let it widen its own rights or take another identity's.
 */
export function escalationChecks(role: string): string[] {
  return [
    'escalate clusterroles',
    'bind clusterroles',
    `update clusterroles/${role}`,
    `patch clusterroles/${role}`,
    'create clusterroles',
    'create clusterrolebindings',
    'create rolebindings -n default',
    'impersonate serviceaccounts -n kube-system',
    'impersonate users',
    'create serviceaccounts/token -n kube-system',
  ];
}

/** The account's token, from the Secret join created in the member's KubeFed namespace. */
export async function joinedAccountToken(
  sandbox: TestSandbox,
  member: string,
  kubefedNamespace: string,
  cluster: string,
): Promise<string> {
  const encoded = await kubectl(sandbox, [
    ...['--context', member, '-n', kubefedNamespace, 'get', 'secret', joinedAccount(cluster)],
    ...['-o', 'jsonpath={.data.token}'],
  ]);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** kubectl on `member` with `token`; its exit code says allowed (0) or not. */
export async function asAccount(
  sandbox: TestSandbox,
  member: string,
  token: string,
  args: string[],
  input?: string,
): Promise<{ code: number; output: string }> {
  const child = execFileAsync(sandbox.kubectlPath, [
    ...['--kubeconfig', sandbox.kubeconfig, '--context', member, '--token', token],
    ...args,
  ]);
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** `kubectl auth can-i CHECK` as the account. */
export async function canI(
  sandbox: TestSandbox,
  member: string,
  token: string,
  check: string,
): Promise<boolean> {
  const result = await asAccount(sandbox, member, token, ['auth', 'can-i', ...check.split(' ')]);
  return result.code === 0;
}

/** `role` with every verb on everything, as an escalating account would write it. */
export async function widenedRole(
  sandbox: TestSandbox,
  member: string,
  role: string,
): Promise<string> {
  const current = JSON.parse(
    await kubectl(sandbox, ['--context', member, 'get', 'clusterrole', role, '-o', 'json']),
  ) as Record<string, unknown>;
  return JSON.stringify({
    ...current,
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  });
}
