// The one piece of I/O of DNSEndpoint generation: a load balancer given by host name (as some
// clouds give them) is published as the addresses that name resolves to, as KubeFed did.
import { lookup } from 'node:dns/promises';

/** The addresses of each host name; rejects naming the first that does not resolve. */
export type HostnameResolver = (hostnames: readonly string[]) => Promise<Map<string, string[]>>;

/**
 * The system resolver (getaddrinfo, as Go's `net.LookupHost`), IPv4 only: the endpoints are A
 * records, and v0.6.1 put IPv6 answers into them too.
 */
export const systemResolver: HostnameResolver = async (hostnames) => {
  const answers = await Promise.all(
    hostnames.map(async (hostname) => {
      try {
        const addresses = await lookup(hostname, { all: true, family: 4 });
        return [hostname, addresses.map((a) => a.address)] as const;
      } catch (error) {
        throw new Error(`resolving load balancer host name ${hostname}: ${String(error)}`, {
          cause: error,
        });
      }
    }),
  );
  return new Map(answers.map(([hostname, addresses]) => [hostname, [...addresses]]));
};
