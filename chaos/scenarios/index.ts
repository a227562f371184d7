// Every scenario, in the order `npm run chaos` runs them: the quick ones first, the host outage
// last (it restarts the host apiserver under everything).
import type { Scenario } from '../scenario.ts';
import { adoption } from './adoption.ts';
import { badInput } from './bad-input.ts';
import { failover } from './failover.ts';
import { hostOutage } from './host-outage.ts';
import { killLoop } from './kill-loop.ts';
import { leastPrivilege } from './least-privilege.ts';
import { memberOutage } from './member-outage.ts';

export const SCENARIOS: readonly Scenario[] = [
  leastPrivilege,
  adoption,
  badInput,
  failover,
  memberOutage,
  killLoop,
  hostOutage,
];
