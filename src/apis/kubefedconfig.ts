// KubeFedConfig defaulting and validation (spec §2.2), shared by the admission webhook, the
// controller-manager's startup check and the CLI. Both work on plain JSON as it arrives from the
// API, so they tolerate missing or mistyped fields instead of trusting the TS types.
import {
  CORE_V1BETA1,
  DEFAULT_FEATURE_GATES,
  KNOWN_FEATURE_GATES,
  KUBEFED_CONFIG_NAME,
  ResourceLock,
  ResourceScope,
  Toggle,
} from './constants.ts';
import { parseGoDuration } from './duration.ts';
import { checkEnum, duplicate, invalid, required } from './field-errors.ts';
import type { KubeFedConfig } from './types.ts';
import { isJsonObject, type JsonObject } from '../json/object.ts';

/** Defaults of each spec section, in the field order Go serialises them. */
const SECTION_DEFAULTS: readonly (readonly [section: string, defaults: JsonObject])[] = [
  [
    'controllerDuration',
    { availableDelay: '20s', unavailableDelay: '1m0s', cacheSyncTimeout: '5m0s' },
  ],
  [
    'leaderElect',
    {
      leaseDuration: '15s',
      renewDeadline: '10s',
      retryPeriod: '5s',
      resourceLock: ResourceLock.ConfigMaps,
    },
  ],
  [
    'clusterHealthCheck',
    { period: '10s', failureThreshold: 3, successThreshold: 1, timeout: '3s' },
  ],
  ['syncController', { maxConcurrentReconciles: 1, adoptResources: Toggle.Enabled }],
  ['statusController', { maxConcurrentReconciles: 1 }],
];

/** client-go's leader-election jitter: renewDeadline must exceed retryPeriod × this. */
const LEADER_ELECTION_JITTER_FACTOR = 1.2;

/** The fully defaulted KubeFedConfig `kubefed` in `namespace`. */
export function defaultKubeFedConfig(namespace: string, scope: ResourceScope): KubeFedConfig {
  return applyKubeFedConfigDefaults({
    apiVersion: CORE_V1BETA1,
    kind: 'KubeFedConfig',
    metadata: { name: KUBEFED_CONFIG_NAME, namespace },
    spec: { scope },
  });
}

/**
 * What the mutating webhook does: a copy of `config` with every missing (absent or null) field
 * set to its default, missing known feature gates appended with their defaults, and the gates
 * sorted by name. Present values are kept as written, even when invalid; `scope` is never
 * defaulted.
 */
export function applyKubeFedConfigDefaults(config: KubeFedConfig): KubeFedConfig {
  const result = structuredClone(config);
  const spec: JsonObject = isJsonObject(result.spec) ? result.spec : {};
  // Missing sections are appended in Go's field order, so a defaulted object reads like KubeFed's.
  for (const [section, defaults] of SECTION_DEFAULTS) {
    spec[section] = withDefaults(spec[section], defaults);
    if (section === 'leaderElect') spec['featureGates'] = withDefaultGates(spec['featureGates']);
  }
  result.spec = spec as KubeFedConfig['spec'];
  return result;
}

function withDefaults(value: unknown, defaults: JsonObject): unknown {
  if (value === undefined || value === null) return { ...defaults };
  if (!isJsonObject(value)) return value;
  for (const [field, fallback] of Object.entries(defaults)) {
    if (value[field] === undefined || value[field] === null) value[field] = fallback;
  }
  return value;
}

function withDefaultGates(value: unknown): unknown {
  if (value !== undefined && value !== null && !Array.isArray(value)) return value;
  const gates: unknown[] = Array.isArray(value) ? (value as unknown[]) : [];
  for (const gate of DEFAULT_FEATURE_GATES) {
    if (!gates.some((existing) => isJsonObject(existing) && existing['name'] === gate.name)) {
      gates.push({
        name: gate.name,
        configuration: gate.enabled ? Toggle.Enabled : Toggle.Disabled,
      });
    }
  }
  const nameOf = (gate: unknown): string =>
    isJsonObject(gate) && typeof gate['name'] === 'string' ? gate['name'] : '';
  // Gate names are ASCII, so code-unit order is Go's byte order; the sort is stable.
  return gates.sort((a, b) => compare(nameOf(a), nameOf(b)));
}

/**
 * What the validating webhook and the controller-manager check: every rule of spec §2.2, assuming
 * defaulting happened (each section is required). `previous` is the stored object on an update,
 * whose scope may not change. Messages follow Kubernetes field errors, e.g.
 * `spec.leaderElect.retryPeriod: Invalid value: "0s": should be greater than 0`.
 */
export function validateKubeFedConfig(config: KubeFedConfig, previous?: KubeFedConfig): string[] {
  const errors: string[] = [];
  const spec: JsonObject = isJsonObject(config.spec) ? config.spec : {};

  errors.push(...checkEnum('spec.scope', spec['scope'], Object.values(ResourceScope)));
  if (previous && isJsonObject(previous.spec) && previous.spec['scope'] !== spec['scope']) {
    errors.push(invalid('spec.scope', spec['scope'], 'field is immutable'));
  }

  checkSection(errors, 'spec.controllerDuration', spec['controllerDuration'], (section, path) => {
    for (const field of ['availableDelay', 'unavailableDelay', 'cacheSyncTimeout']) {
      checkPositiveDuration(errors, `${path}.${field}`, section[field]);
    }
  });

  checkSection(errors, 'spec.leaderElect', spec['leaderElect'], (section, path) => {
    const lease = checkPositiveDuration(errors, `${path}.leaseDuration`, section['leaseDuration']);
    const renew = checkPositiveDuration(errors, `${path}.renewDeadline`, section['renewDeadline']);
    const retry = checkPositiveDuration(errors, `${path}.retryPeriod`, section['retryPeriod']);
    if (lease !== undefined && renew !== undefined && lease <= renew) {
      errors.push(
        invalid(
          `${path}.leaseDuration`,
          section['leaseDuration'],
          'leaseDuration must be greater than renewDeadline',
        ),
      );
    }
    // Go compares against the float product truncated to whole nanoseconds.
    if (
      renew !== undefined &&
      retry !== undefined &&
      renew <= Math.trunc(retry * LEADER_ELECTION_JITTER_FACTOR)
    ) {
      errors.push(
        invalid(
          `${path}.renewDeadline`,
          section['renewDeadline'],
          `renewDeadline must be greater than retryPeriod*JitterFactor(${LEADER_ELECTION_JITTER_FACTOR.toFixed(1)})`,
        ),
      );
    }
    errors.push(
      ...checkEnum(`${path}.resourceLock`, section['resourceLock'], Object.values(ResourceLock)),
    );
  });

  checkFeatureGates(errors, spec['featureGates']);

  checkSection(errors, 'spec.clusterHealthCheck', spec['clusterHealthCheck'], (section, path) => {
    checkPositiveDuration(errors, `${path}.period`, section['period']);
    checkPositiveInteger(errors, `${path}.failureThreshold`, section['failureThreshold']);
    checkPositiveInteger(errors, `${path}.successThreshold`, section['successThreshold']);
    checkPositiveDuration(errors, `${path}.timeout`, section['timeout']);
  });

  checkSection(errors, 'spec.syncController', spec['syncController'], (section, path) => {
    checkPositiveInteger(
      errors,
      `${path}.maxConcurrentReconciles`,
      section['maxConcurrentReconciles'],
    );
    errors.push(
      ...checkEnum(`${path}.adoptResources`, section['adoptResources'], Object.values(Toggle)),
    );
  });

  checkSection(errors, 'spec.statusController', spec['statusController'], (section, path) => {
    checkPositiveInteger(
      errors,
      `${path}.maxConcurrentReconciles`,
      section['maxConcurrentReconciles'],
    );
  });

  return errors;
}

function checkFeatureGates(errors: string[], value: unknown): void {
  const path = 'spec.featureGates';
  if (value === undefined || value === null) {
    errors.push(required(path));
    return;
  }
  if (!Array.isArray(value)) {
    errors.push(invalid(path, value, 'must be a list of {name, configuration}'));
    return;
  }
  const seen = new Set<unknown>();
  (value as unknown[]).forEach((gate, index) => {
    const gatePath = `${path}[${index}]`;
    if (!isJsonObject(gate)) {
      errors.push(invalid(gatePath, gate, 'must be an object with name and configuration'));
      return;
    }
    if (seen.has(gate['name'])) {
      errors.push(duplicate(`${gatePath}.name`, gate['name']));
      return;
    }
    seen.add(gate['name']);
    errors.push(...checkEnum(`${gatePath}.name`, gate['name'], KNOWN_FEATURE_GATES));
    errors.push(
      ...checkEnum(`${gatePath}.configuration`, gate['configuration'], Object.values(Toggle)),
    );
  });
}

function checkSection(
  errors: string[],
  path: string,
  value: unknown,
  checkFields: (section: JsonObject, path: string) => void,
): void {
  if (value === undefined || value === null) errors.push(required(path));
  else if (!isJsonObject(value)) errors.push(invalid(path, value, 'must be an object'));
  else checkFields(value, path);
}

/** Checks a Go duration string is > 0; returns it in nanoseconds when it parsed. */
function checkPositiveDuration(errors: string[], path: string, value: unknown): number | undefined {
  if (value === undefined || value === null) {
    errors.push(required(path));
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.push(invalid(path, value, 'must be a duration string such as "10s"'));
    return undefined;
  }
  let nanos: number;
  try {
    nanos = Math.round(parseGoDuration(value) * 1e6);
  } catch (error) {
    errors.push(invalid(path, value, (error as Error).message));
    return undefined;
  }
  if (nanos <= 0) {
    errors.push(invalid(path, value, 'should be greater than 0'));
    return undefined;
  }
  return nanos;
}

function checkPositiveInteger(errors: string[], path: string, value: unknown): void {
  if (value === undefined || value === null) errors.push(required(path));
  else if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.push(invalid(path, value, 'must be an integer'));
  } else if (value <= 0) errors.push(invalid(path, value, 'should be greater than 0'));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
