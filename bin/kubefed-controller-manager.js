#!/bin/sh
':' /*
# A shell script when run as a command, JavaScript when run by node (to which ':' is a string
# and this block a comment): the shell replaces itself with Node.js 24 (see launch.sh).
. "$(dirname -- "$(readlink -f -- "$0")")/launch.sh"
*/
import { runTypeScript } from './run-ts.js';

// The manager is long-lived and holds every federated object in its caches, so it trades some
// CPU for resident memory. V8's defaults suit short bursts: its young generation grows to
// 2 x 64 MiB whenever much of what is allocated survives (as when informers list thousands of
// objects), and the pages its collections free stay resident. Measured holding 3000
// FederatedConfigMaps on 3 members (RSS at rest after a restart): 242 MiB with the small young
// generation alone, 154 MiB with --optimize-for-size too (more, shorter GCs: ~1.5 x the CPU of
// a relist). glibc's per-thread malloc arenas (8 per core) add fragmentation for nothing: the
// JavaScript runs on one thread. See docs/performance.md.
await runTypeScript('src/manager/main.ts', {
  nodeFlags: ['--max-semi-space-size=2', '--optimize-for-size'],
  env: { MALLOC_ARENA_MAX: '2' },
});
