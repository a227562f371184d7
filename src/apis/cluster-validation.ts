// What the validating webhook checks of a KubeFedCluster (spec §11): the spec on the main resource
// (an endpoint client-go can use, a Secret name, known TLS validations, a usable proxy URL), the
// conditions on the status subresource. Works on plain JSON as it arrives in an AdmissionReview.
import { ClusterConditionType, ConditionStatus, TLSValidation } from './constants.ts';
import {
  checkEnum,
  dns1123SubdomainProblems,
  invalid,
  ipProblems,
  portProblems,
  required,
} from './field-errors.ts';
import { isJsonObject, objectField, stringField, type JsonObject } from '../json/object.ts';

export function validateKubeFedCluster(cluster: JsonObject): string[] {
  const spec = objectField(cluster, 'spec');
  const errors = validateAPIEndpoint(stringField(spec, 'apiEndpoint'), 'spec.apiEndpoint');
  const secretName = stringField(objectField(spec, 'secretRef'), 'name');
  if (secretName === '') errors.push(required('spec.secretRef.name'));
  else {
    const problems = dns1123SubdomainProblems(secretName);
    if (problems.length > 0) {
      errors.push(invalid('spec.secretRef.name', secretName, problems.join(',')));
    }
  }
  errors.push(...validateDisabledTLSValidations(spec['disabledTLSValidations']));
  const proxyURL = stringField(spec, 'proxyURL');
  if (proxyURL !== '') errors.push(...validateProxyURL(proxyURL, 'spec.proxyURL'));
  return errors;
}

/** The status subresource: each condition of a known type and status, with a probe time. */
export function validateKubeFedClusterStatus(cluster: JsonObject): string[] {
  const conditions = objectField(cluster, 'status')['conditions'];
  if (!Array.isArray(conditions)) return [];
  const errors: string[] = [];
  (conditions as unknown[]).forEach((item, index) => {
    const condition = isJsonObject(item) ? item : {};
    const path = `status.conditions[${String(index)}]`;
    const types = Object.values(ClusterConditionType);
    errors.push(...checkEnum(`${path}.type`, condition['type'], types));
    const statuses = Object.values(ConditionStatus);
    errors.push(...checkEnum(`${path}.status`, condition['status'], statuses));
    if (stringField(condition, 'lastProbeTime') === '') {
      errors.push(required(`${path}.lastProbeTime`));
    }
  });
  return errors;
}

function validateDisabledTLSValidations(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const path = 'spec.disabledTLSValidations';
  const values = value as unknown[];
  const errors = values.flatMap((item) => checkEnum(path, item, Object.values(TLSValidation)));
  if (values.includes(TLSValidation.All) && values.length > 1) {
    errors.push(
      invalid(path, values, 'when * is specified, it is expected to be the only option in list'),
    );
  }
  return errors;
}

/**
 * The endpoint as client-go's `DefaultServerURL` reads it (a URL, or `host[:port]` taken as
 * https), then KubeFed's checks: scheme http or https, the host a DNS name or an IP, the port
 * in range.
 */
function validateAPIEndpoint(endpoint: string, path: string): string[] {
  if (endpoint === '') return [required(path)];
  let url = parseGoUrl(endpoint);
  if (url === undefined || url.scheme === '' || url.host === '') {
    url = parseGoUrl(`https://${endpoint}`);
    if (url === undefined)
      return [invalid(path, endpoint, `parse "https://${endpoint}": invalid URL`)];
  }
  if (url.path !== '' && url.path !== '/') {
    return [
      invalid(
        path,
        endpoint,
        `host must be a URL or a host:port pair: ${JSON.stringify(endpoint)}`,
      ),
    ];
  }
  const errors = checkEnum(path, url.scheme, ['http', 'https']);
  const dnsProblems = dns1123SubdomainProblems(url.hostname);
  const addressProblems = ipProblems(url.hostname);
  if (dnsProblems.length > 0 && addressProblems.length > 0) {
    errors.push(
      invalid(path, url.hostname, `${addressProblems.join(',')}; or ${dnsProblems.join(',')}`),
    );
  }
  if (url.port !== '') {
    const problems = portProblems(Number(url.port));
    if (problems.length > 0) errors.push(invalid(path, Number(url.port), problems.join(',')));
  }
  return errors;
}

function validateProxyURL(proxyURL: string, path: string): string[] {
  const url = parseGoUrl(proxyURL);
  if (url === undefined)
    return [invalid(path, proxyURL, `parse ${JSON.stringify(proxyURL)}: invalid URL`)];
  return checkEnum(path, url.scheme, ['http', 'https', 'socks5']);
}

interface GoUrl {
  scheme: string;
  /** `host[:port]` of the authority, empty without `//`. */
  host: string;
  hostname: string;
  port: string;
  path: string;
}

/**
 * The parts of a URL as Go's `net/url.Parse` splits them; undefined where Go returns an error.
 * The WHATWG parser differs in what matters here: it rejects out-of-range ports (Go parses them
 * and KubeFed reports the range) and lowercases host names (Go keeps them, so `Bad.Host` is not
 * a DNS name to KubeFed).
 */
export function parseGoUrl(text: string): GoUrl | undefined {
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? '';
  const rest = schemeMatch ? text.slice(schemeMatch[0].length) : text;
  const withoutFragment = rest.split('#', 1)[0] ?? '';
  const withoutQuery = withoutFragment.split('?', 1)[0] ?? '';
  if (!withoutQuery.startsWith('//')) {
    // Go refuses a relative path whose first segment has a colon (`10.0.0.1:6443`).
    if (scheme === '' && /^[^/]*:/.test(withoutQuery)) return undefined;
    return { scheme, host: '', hostname: '', port: '', path: withoutQuery };
  }
  const afterSlashes = withoutQuery.slice(2);
  const slash = afterSlashes.indexOf('/');
  const authority = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
  const path = slash < 0 ? '' : afterSlashes.slice(slash);
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(host);
  if (hostPort === null) return undefined;
  const port = hostPort[2] ?? '';
  if (!/^\d*$/.test(port)) return undefined;
  const hostname = (hostPort[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { scheme, host, hostname, port, path };
}
