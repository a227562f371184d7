// metav1.LabelSelector as apimachinery's LabelSelectorAsSelector reads it: an absent selector
// selects nothing, an empty one everything; otherwise every requirement must hold. Invalid
// selectors (bad keys or values, unknown operators, wrong value counts) are reported as data.
import type { LabelSelector } from '../../apis/types.ts';
import { getOwn } from '../../json/json-patch.ts';
import { isJsonObject } from '../../json/object.ts';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  key: string;
  operator: SelectorOperator;
  values: readonly string[];
}

/** A validated selector, ready to match label sets. */
export type CompiledSelector =
  | { kind: 'nothing' }
  | { kind: 'everything' }
  | { kind: 'requirements'; requirements: readonly LabelRequirement[] };

export type SelectorParseResult =
  { ok: true; selector: CompiledSelector } | { ok: false; errors: string[] };

/**
 * Validates a selector. `matchLabels` entries become `In` requirements with one value (the same
 * matching as apimachinery's `=`), taken in key order so errors come out deterministically.
 */
export function parseLabelSelector(
  selector: LabelSelector | null | undefined,
): SelectorParseResult {
  if (selector === undefined || selector === null)
    return { ok: true, selector: { kind: 'nothing' } };
  if (!isJsonObject(selector)) return { ok: false, errors: ['clusterSelector: must be an object'] };
  const matchLabels: unknown = getOwn(selector, 'matchLabels') ?? {};
  const matchExpressions: unknown = getOwn(selector, 'matchExpressions') ?? [];
  const errors: string[] = [];
  if (!isJsonObject(matchLabels)) errors.push('matchLabels: must be a map of strings');
  if (!Array.isArray(matchExpressions)) errors.push('matchExpressions: must be a list');
  if (errors.length > 0) return { ok: false, errors };
  const labelEntries = Object.entries(matchLabels as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const expressions = matchExpressions as unknown[];
  if (labelEntries.length + expressions.length === 0) {
    return { ok: true, selector: { kind: 'everything' } };
  }

  const requirements: LabelRequirement[] = [];
  for (const [key, value] of labelEntries) {
    if (typeof value !== 'string') {
      errors.push(`matchLabels[${key}]: Invalid value: must be a string`);
      continue;
    }
    const problems = [...validateKey(key), ...validateValue(value)];
    if (problems.length > 0) errors.push(...problems);
    else requirements.push({ key, operator: 'In', values: [value] });
  }
  for (const [i, raw] of expressions.entries()) {
    const parsed = parseExpression(raw, i);
    if ('errors' in parsed) errors.push(...parsed.errors);
    else requirements.push(parsed);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, selector: { kind: 'requirements', requirements } };
}

/** Whether a label set satisfies a compiled selector. */
export function selectorMatches(
  selector: CompiledSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  switch (selector.kind) {
    case 'nothing':
      return false;
    case 'everything':
      return true;
    case 'requirements':
      return selector.requirements.every((r) => requirementMatches(r, labels ?? {}));
  }
}

// --- internals ---------------------------------------------------------------------------------

function requirementMatches(
  requirement: LabelRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  switch (requirement.operator) {
    case 'In':
      return present && requirement.values.includes(labels[requirement.key] ?? '');
    case 'NotIn':
      return !present || !requirement.values.includes(labels[requirement.key] ?? '');
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

function parseExpression(raw: unknown, index: number): LabelRequirement | { errors: string[] } {
  const where = `matchExpressions[${index}]`;
  if (!isJsonObject(raw)) return { errors: [`${where}: must be an object`] };
  const key = getOwn(raw, 'key') ?? '';
  const operator = getOwn(raw, 'operator') ?? '';
  const values = getOwn(raw, 'values') ?? [];
  if (typeof key !== 'string') return { errors: [`${where}.key: must be a string`] };
  if (typeof operator !== 'string') return { errors: [`${where}.operator: must be a string`] };
  if (!Array.isArray(values) || !values.every((v): v is string => typeof v === 'string')) {
    return { errors: [`${where}.values: must be a list of strings`] };
  }
  if (!OPERATORS.has(operator)) {
    return { errors: [`${JSON.stringify(operator)} is not a valid label selector operator`] };
  }
  const errors = validateKey(key);
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    errors.push(
      `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`,
    );
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length !== 0) {
    errors.push(
      `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`,
    );
  }
  for (const value of values) errors.push(...validateValue(value));
  if (errors.length > 0) return { errors };
  return { key, operator: operator as SelectorOperator, values: [...values] };
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
  'with an alphanumeric character';

/** A label key is a qualified name: `[prefix/]name`, prefix a DNS-1123 subdomain. */
function validateKey(key: string): string[] {
  const invalid = (why: string): string => `key: Invalid value: ${JSON.stringify(key)}: ${why}`;
  const parts = key.split('/');
  let name: string;
  const errors: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix === '') errors.push(invalid('prefix part must be non-empty'));
    else if (prefix.length > 253)
      errors.push(invalid('prefix part must be no more than 253 characters'));
    else if (!DNS1123_SUBDOMAIN.test(prefix)) {
      errors.push(
        invalid(
          'prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric ' +
            "characters, '-' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
  } else {
    return [
      invalid(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must " +
          "start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'",
      ),
    ];
  }
  if (name === '') errors.push(invalid('name part must be non-empty'));
  else if (name.length > 63) errors.push(invalid('name part must be no more than 63 characters'));
  else if (!NAME_PART.test(name)) errors.push(invalid(NAME_PART_RULE));
  return errors;
}

/** A label value: empty, or up to 63 name-part characters. */
function validateValue(value: string): string[] {
  const invalid = (why: string): string =>
    `values: Invalid value: ${JSON.stringify(value)}: ${why}`;
  if (value === '') return [];
  if (value.length > 63) return [invalid('must be no more than 63 characters')];
  if (!NAME_PART.test(value)) {
    return [
      invalid(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' " +
          "or '.', and must start and end with an alphanumeric character",
      ),
    ];
  }
  return [];
}
