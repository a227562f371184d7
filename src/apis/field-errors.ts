// Kubernetes field errors as KubeFed's webhooks word them (apimachinery's `field.Error`), and the
// name checks they use (`IsDNS1123Subdomain`, `IsDNS1035Label`, `IsValidIP`, `IsValidPortNum`),
// with apimachinery's messages. Shared by the validators of spec §11.
import { isIP } from 'node:net';

export function required(path: string): string {
  return `${path}: Required value`;
}

export function invalid(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${formatValue(value)}: ${detail}`;
}

export function duplicate(path: string, value: unknown): string {
  return `${path}: Duplicate value: ${formatValue(value)}`;
}

/** KubeFed's `validateEnumStrings`: empty counts as missing. */
export function checkEnum(path: string, value: unknown, accepted: readonly string[]): string[] {
  if (value === undefined || value === null || value === '') return [required(path)];
  if (typeof value === 'string' && accepted.includes(value)) return [];
  const supported = accepted.map((item) => JSON.stringify(item)).join(', ');
  return [`${path}: Unsupported value: ${formatValue(value)}: supported values: ${supported}`];
}

export function formatValue(value: unknown): string {
  // JSON.stringify yields undefined (despite its declared type) for undefined.
  return value === undefined ? 'null' : JSON.stringify(value);
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** apimachinery's `IsDNS1123Subdomain`: the problems, none when `value` is one. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 253) problems.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    problems.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
        "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for " +
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return problems;
}

export function isDns1123Subdomain(value: string): boolean {
  return dns1123SubdomainProblems(value).length === 0;
}

/** apimachinery's `IsDNS1035Label`. */
export function dns1035LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(value)) {
    problems.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
        "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or " +
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return problems;
}

/** apimachinery's `IsValidIP`. */
export function ipProblems(value: string): string[] {
  return isIP(value) === 0 ? ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] : [];
}

/** apimachinery's `IsValidPortNum`. */
export function portProblems(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}
