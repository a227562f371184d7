// `npm run chaos [-- --quick] [--sandbox DIR] [--seed N] [SCENARIO...]`: the fault-injection
// suite of issue 16 (docs/reliability.md). On a fresh sandbox of its own (host + 2 members;
// `--sandbox DIR` reuses a running one and leaves it running), with kubefed-controller-manager as
// separate processes, it runs each selected scenario and prints one line per scenario with its
// figures and PASS or FAIL against chaos/goals.ts. Exits 1 if any fails. Not part of `npm test`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorMessage } from '../src/kube/errors.ts';
import { down, up } from '../src/sandbox/sandbox.ts';
import { joinClusters, runCli, sandboxAt } from '../test/integration/fixture.ts';
import { ChaosEnv } from '../chaos/env.ts';
import { SCENARIOS } from '../chaos/scenarios/index.ts';
import { formatLine } from '../chaos/verdict.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    sandbox: { type: 'string' },
    seed: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});
const print = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

if (flags.list) {
  for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(14)} ${s.fault}\n`);
  process.exit(0);
}
const unknown = positionals.filter((p) => !SCENARIOS.some((s) => s.name === p));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}
const selected =
  positionals.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => positionals.includes(s.name));
const seed = Number(flags.seed ?? Date.now() % 100_000);
if (!Number.isInteger(seed))
  throw new Error(`--seed must be a whole number, got ${String(flags.seed)}`);
const ownSandbox = flags.sandbox === undefined;
const sandboxDir = flags.sandbox ?? join(root, '.sandbox-chaos');

let env: ChaosEnv | undefined;
let cleaning: Promise<void> | undefined;
const cleanUp = (): Promise<void> =>
  (cleaning ??= (async () => {
    await env?.close().catch(() => undefined);
    if (ownSandbox) await down({ dir: sandboxDir, print });
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    print(`${signal}: stopping the controller managers${ownSandbox ? ' and the sandbox' : ''}`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const started = performance.now();
let failed = 0;
try {
  if (ownSandbox) {
    await down({ dir: sandboxDir, print });
    print(`Starting a sandbox (host + 2 members) in ${sandboxDir}`);
    await up({ dir: sandboxDir, members: 2, print });
  }
  const sandbox = sandboxAt(sandboxDir);
  print('kubefedctl init, join member1 and member2');
  const init = await runCli('kubefedctl', [
    'init',
    '--kubeconfig',
    sandbox.kubeconfig,
    '--host-cluster-context',
    'host',
  ]);
  if (init.code !== 0) throw new Error(`kubefedctl init: ${init.stderr}`);
  await joinClusters(sandbox, ['member1', 'member2']);
  env = new ChaosEnv(sandboxDir, print);
  print(
    `seed ${String(seed)}${flags.quick ? ', quick' : ''}: ${selected.map((s) => s.name).join(', ')}`,
  );
  for (const scenario of selected) {
    print(`${scenario.name}: ${scenario.fault}`);
    const t0 = performance.now();
    let line: string;
    try {
      const result = await scenario.run(env, { quick: flags.quick, seed });
      result.figures['run_s'] = Math.round((performance.now() - t0) / 1000);
      if (!result.pass) failed++;
      line = formatLine(scenario.name, result);
    } catch (error) {
      failed++;
      line = `FAIL ${scenario.name}  error: ${errorMessage(error).split('\n').slice(0, 3).join(' | ')}`;
      await env.stopManagers().catch(() => undefined);
    }
    process.stdout.write(`${line}\n`);
  }
  print(
    `chaos: ${String(selected.length - failed)}/${String(selected.length)} passed in ${String(Math.round((performance.now() - started) / 1000))} s (seed ${String(seed)})`,
  );
} catch (error) {
  print(`chaos: ${errorMessage(error)}`);
  failed++;
} finally {
  await cleanUp();
}
process.exitCode = failed > 0 ? 1 : 0;
