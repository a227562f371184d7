// `npm test`: typecheck, lint, then every unit and integration test. Integration tests run on a
// fresh sandbox (host + 2 members, each with the default 2 simulated nodes) started here and
// always stopped again, also when a test fails or the run is interrupted. Fails when no test ran.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { down, up } from '../src/sandbox/sandbox.ts';
import { errorMessage } from '../src/kube/errors.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sandboxDir = `${root}.sandbox-test`;
const tapFile = `${sandboxDir}-results.tap`;
/** Per test and per hook, unit tests included (`npm run test:unit` alone uses 10 s). */
const TEST_TIMEOUT_MS = 180_000;
const print = (line: string): void => {
  console.error(line);
};

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function step(name: string, command: string, args: string[]): Promise<void> {
  print(`\n== ${name}`);
  const code = await run(command, args);
  if (code !== 0) throw new Error(`${name} failed (exit ${code})`);
}

let stopping: Promise<void> | undefined;
function stopSandbox(): Promise<void> {
  stopping ??= down({ dir: sandboxDir, print });
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void stopSandbox().finally(() => process.exit(130));
  });
}

try {
  await step('typecheck', `${root}node_modules/.bin/tsc`, ['-p', 'tsconfig.json']);
  await step('lint', `${root}node_modules/.bin/eslint`, ['.']);
  await step('format', `${root}node_modules/.bin/prettier`, ['--check', '.']);

  print(
    '\n== sandbox (host + 2 members, 2 simulated nodes each, CoreDNS and external-dns) for the integration tests',
  );
  await down({ dir: sandboxDir, print });
  // With the DNS pieces: test/integration/dns.test.ts asks them with dig (about 60 MB more).
  const sandbox = await up({ dir: sandboxDir, members: 2, dns: true, print });

  print('\n== tests');
  rmSync(tapFile, { force: true });
  const code = await run(
    process.execPath,
    [
      '--test',
      // Integration tests share one sandbox and some stop and start its members: one file at a time.
      '--test-concurrency=1',
      // A hanging test fails instead of hanging the run. The slowest test or hook takes about
      // 30 s on an idle 2-core machine (the no-write resync check, the 100-object bulk test);
      // a test that legitimately waits longer sets its own `{ timeout }`.
      `--test-timeout=${String(TEST_TIMEOUT_MS)}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      'test/**/*.test.ts',
    ],
    {
      ...process.env,
      KUBEFED_TEST_SANDBOX_DIR: sandboxDir,
      KUBEFED_TEST_KUBECONFIG: sandbox.kubeconfig,
    },
  );
  const ran = Number(/^# tests (\d+)$/m.exec(readFileSync(tapFile, 'utf8'))?.[1] ?? 0);
  if (ran === 0) throw new Error('no test ran: the test command must find tests');
  if (code !== 0) throw new Error(`tests failed (exit ${code})`);
} catch (error) {
  print(`\nnpm test: ${errorMessage(error)}`);
  process.exitCode = 1;
} finally {
  await stopSandbox();
  rmSync(tapFile, { force: true });
}
