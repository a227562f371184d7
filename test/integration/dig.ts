// Asking the sandbox's CoreDNS with `dig`, as a user would (Debian's dnsutils). Answers are
// compared as sorted `TYPE DATA` lines, e.g. `A 127.101.0.1` or `CNAME web.example.com.`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sandboxPaths } from '../../src/sandbox/layout.ts';
import { readState } from '../../src/sandbox/state.ts';
import type { TestSandbox } from './fixture.ts';

const execFileAsync = promisify(execFile);

export interface SandboxDns {
  zone: string;
  port: number;
}

/** The sandbox's DNS pieces; a clear error when it was started without them or dig is missing. */
export async function sandboxDns(sandbox: TestSandbox): Promise<SandboxDns> {
  const dns = readState(sandboxPaths(sandbox.dir).state)?.dns;
  if (!dns) {
    throw new Error(
      `the sandbox in ${sandbox.dir} has no DNS: start it with 'kubefed-sandbox up --dns' (npm test does)`,
    );
  }
  try {
    await execFileAsync('dig', ['-v']);
  } catch (error) {
    throw new Error(
      "dig is missing: install Debian's dnsutils (apt-get update && apt-get install -y dnsutils)",
      { cause: error },
    );
  }
  return { zone: dns.zone, port: dns.port };
}

/** The answer section for `name` (relative to the zone unless it ends in '.'), as sorted `TYPE DATA`. */
export async function dig(dns: SandboxDns, name: string, type = 'A'): Promise<string[]> {
  const fqdn = name.endsWith('.') ? name : `${name}.${dns.zone}.`;
  const { stdout } = await execFileAsync('dig', [
    '@127.0.0.1',
    '-p',
    String(dns.port),
    fqdn,
    type,
    '+noall',
    '+answer',
    '+time=2',
    '+tries=1',
  ]);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      // NAME TTL CLASS TYPE DATA
      const [, , , recordType = '', ...data] = line.trim().split(/\s+/);
      return `${recordType} ${data.join(' ')}`;
    })
    .sort();
}
