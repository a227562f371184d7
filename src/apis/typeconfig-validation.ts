// What the validating webhook checks of a FederatedTypeConfig (spec §11): the main resource (its
// name is the target's group-qualified plural, each API resource well formed) or, for the status
// subresource, the status alone. Works on plain JSON as it arrives in an AdmissionReview, before
// any defaulting: a missing targetType.pluralName is an error here, not a default.
import { ControllerStatus, ResourceScope, Toggle } from './constants.ts';
import {
  checkEnum,
  dns1035LabelProblems,
  dns1123SubdomainProblems,
  invalid,
  required,
} from './field-errors.ts';
import { objectField, stringField, type JsonObject } from '../json/object.ts';

export const TYPE_CONFIG_NAME_MESSAGE = "name must be 'TARGET_PLURAL_NAME(.TARGET_GROUP_NAME)'";

export function validateFederatedTypeConfig(ftc: JsonObject): string[] {
  const spec = objectField(ftc, 'spec');
  const target = objectField(spec, 'targetType');
  const errors: string[] = [];
  const name = stringField(objectField(ftc, 'metadata'), 'name');
  const group = stringField(target, 'group');
  const plural = stringField(target, 'pluralName');
  const expected = group ? `${plural}.${group}` : plural;
  if (name !== expected) errors.push(invalid('name', name, TYPE_CONFIG_NAME_MESSAGE));

  errors.push(...validateAPIResource(target, 'spec.targetType'));
  errors.push(...checkEnum('spec.propagation', spec['propagation'], Object.values(Toggle)));
  errors.push(
    ...validateFederatedAPIResource(objectField(spec, 'federatedType'), 'spec.federatedType'),
  );
  if (isPresent(spec['statusType'])) {
    errors.push(
      ...validateFederatedAPIResource(objectField(spec, 'statusType'), 'spec.statusType'),
    );
  }
  if (isPresent(spec['statusCollection'])) {
    errors.push(
      ...checkEnum('spec.statusCollection', spec['statusCollection'], Object.values(Toggle)),
    );
  }
  return errors;
}

/** The status subresource: only the status is checked, the rest cannot change through it. */
export function validateFederatedTypeConfigStatus(ftc: JsonObject): string[] {
  const status = objectField(ftc, 'status');
  const errors: string[] = [];
  const generation = status['observedGeneration'] ?? 0;
  if (typeof generation !== 'number' || !Number.isInteger(generation)) {
    errors.push(invalid('status.observedGeneration', generation, 'must be an integer'));
  } else if (generation < 0) {
    // apimachinery's ValidateNonnegativeField.
    errors.push(
      invalid('status.observedGeneration', generation, 'must be greater than or equal to 0'),
    );
  }
  const states = Object.values(ControllerStatus);
  errors.push(
    ...checkEnum('status.propagationController', status['propagationController'], states),
  );
  if (isPresent(status['statusController'])) {
    errors.push(...checkEnum('status.statusController', status['statusController'], states));
  }
  return errors;
}

/** A federated (or status) type must live in a group with at least one dot. */
function validateFederatedAPIResource(resource: JsonObject, path: string): string[] {
  const errors: string[] = [];
  const group = stringField(resource, 'group');
  if (group === '') errors.push(required(`${path}.group`));
  else if (!group.includes('.')) {
    errors.push(invalid(`${path}.group`, group, 'should be a domain with at least one dot'));
  }
  errors.push(...validateAPIResource(resource, path));
  return errors;
}

function validateAPIResource(resource: JsonObject, path: string): string[] {
  const errors: string[] = [];
  const group = stringField(resource, 'group');
  if (group !== '') {
    errors.push(...problemsAsError(`${path}.group`, group, dns1123SubdomainProblems(group)));
  }
  const version = stringField(resource, 'version');
  if (version === '') errors.push(required(`${path}.version`));
  else errors.push(...problemsAsError(`${path}.version`, version, dns1035LabelProblems(version)));
  const kind = stringField(resource, 'kind');
  if (kind === '') errors.push(required(`${path}.kind`));
  else
    errors.push(...problemsAsError(`${path}.kind`, kind, dns1035LabelProblems(kind.toLowerCase())));
  const plural = stringField(resource, 'pluralName');
  if (plural === '') errors.push(required(`${path}.pluralName`));
  else errors.push(...problemsAsError(`${path}.pluralName`, plural, dns1035LabelProblems(plural)));
  errors.push(...checkEnum(`${path}.scope`, resource['scope'], Object.values(ResourceScope)));
  return errors;
}

function problemsAsError(path: string, value: string, problems: string[]): string[] {
  return problems.length === 0 ? [] : [invalid(path, value, problems.join(','))];
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}
