// The shape of one chaos scenario: a name to select it by, and a run that injects its fault and
// judges the outcome against chaos/goals.ts.
import type { ChaosEnv } from './env.ts';
import type { ScenarioResult } from './verdict.ts';

export interface ScenarioOptions {
  /** Fewer objects, operations and faults (`--quick`). */
  quick: boolean;
  /** Seeds every random choice, printed so that a run can be repeated. */
  seed: number;
}

export interface Scenario {
  name: string;
  /** One line for `--list`. */
  fault: string;
  run(env: ChaosEnv, opts: ScenarioOptions): Promise<ScenarioResult>;
}
