// KubeFed's admission webhooks over AdmissionReview `admission.k8s.io/v1` (spec §11), pure: a
// request body in, the review to answer out. Each path has one handler; a request for another
// operation, group or resource passes (the registration should not send it, but a broad rule or
// a hand-made configuration may); an object that is not one is refused with 400 BadRequest;
// validation errors with 403 Forbidden and every field error in one message, as KubeFed's
// `errs.ToAggregate()` words it.
import { isDeepStrictEqual } from 'node:util';
import { CORE_GROUP } from '../apis/constants.ts';
import {
  validateKubeFedCluster,
  validateKubeFedClusterStatus,
} from '../apis/cluster-validation.ts';
import { applyKubeFedConfigDefaults, validateKubeFedConfig } from '../apis/kubefedconfig.ts';
import {
  validateFederatedTypeConfig,
  validateFederatedTypeConfigStatus,
} from '../apis/typeconfig-validation.ts';
import type { KubeFedConfig } from '../apis/types.ts';
import { isJsonObject, type JsonObject } from '../json/object.ts';

export const ADMISSION_REVIEW_VERSION = 'admission.k8s.io/v1';

export interface AdmissionRequest {
  uid: string;
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  operation: string;
  namespace?: string;
  name?: string;
  object?: unknown;
  oldObject?: unknown;
}

export interface AdmissionStatus {
  status: 'Failure';
  code: number;
  reason: 'BadRequest' | 'Forbidden';
  message: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  /** Base64 of a JSON Patch. */
  patch?: string;
  patchType?: 'JSONPatch';
}

export interface AdmissionReview {
  apiVersion: string;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

type Verdict = Omit<AdmissionResponse, 'uid'>;

interface Handler {
  /** The plural of `core.kubefed.io` the handler is for. */
  resource: string;
  review(request: AdmissionRequest, object: JsonObject): Verdict;
}

/** The served paths: KubeFed's, which the chart's webhook configurations name. */
export const ADMISSION_PATHS = {
  validateTypeConfigs: '/validate-federatedtypeconfigs',
  validateClusters: '/validate-kubefedcluster',
  validateConfigs: '/validate-kubefedconfig',
  defaultConfigs: '/default-kubefedconfig',
} as const;

const handlers: Readonly<Record<string, Handler>> = {
  [ADMISSION_PATHS.validateTypeConfigs]: {
    resource: 'federatedtypeconfigs',
    // Any subresource (there is only status) is checked as a status update.
    review: (request, ftc) =>
      verdictOf(
        request.subResource
          ? validateFederatedTypeConfigStatus(ftc)
          : validateFederatedTypeConfig(ftc),
      ),
  },
  [ADMISSION_PATHS.validateClusters]: {
    resource: 'kubefedclusters',
    review: (request, cluster) =>
      verdictOf(
        request.subResource
          ? validateKubeFedClusterStatus(cluster)
          : validateKubeFedCluster(cluster),
      ),
  },
  [ADMISSION_PATHS.validateConfigs]: {
    resource: 'kubefedconfigs',
    review: (request, config) => {
      const previous =
        request.operation === 'UPDATE' && isJsonObject(request.oldObject)
          ? (request.oldObject as KubeFedConfig)
          : undefined;
      return verdictOf(validateKubeFedConfig(config as KubeFedConfig, previous));
    },
  },
  [ADMISSION_PATHS.defaultConfigs]: {
    resource: 'kubefedconfigs',
    review: (_request, config) => {
      const defaulted = applyKubeFedConfigDefaults(config as KubeFedConfig);
      if (isDeepStrictEqual(defaulted, config)) return { allowed: true };
      // The whole spec, as KubeFed patches it; a missing /spec is added by `replace` too
      // (evanphx/json-patch v4, which the apiserver applies patches with).
      const patch = [{ op: 'replace', path: '/spec', value: defaulted.spec }];
      return {
        allowed: true,
        patchType: 'JSONPatch',
        patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
      };
    },
  },
};

export function isAdmissionPath(path: string): boolean {
  return Object.hasOwn(handlers, path);
}

export interface AdmissionOutcome {
  review: AdmissionReview;
  /** What was asked, for the log; undefined when the body was not an AdmissionReview. */
  request: AdmissionRequest | undefined;
}

/** Answers the AdmissionReview `body` posted to `path` (one of ADMISSION_PATHS). */
export function reviewAdmission(path: string, body: string): AdmissionOutcome {
  const handler = handlers[path];
  if (handler === undefined) throw new Error(`no admission webhook at ${path}`);
  const request = admissionRequestOf(body);
  if (typeof request === 'string') {
    return { review: reviewOf('', badRequest(request)), request: undefined };
  }
  return { review: reviewOf(request.uid, admit(handler, request)), request };
}

function admit(handler: Handler, request: AdmissionRequest): Verdict {
  const createOrUpdate = request.operation === 'CREATE' || request.operation === 'UPDATE';
  const mine =
    request.resource.group === CORE_GROUP && request.resource.resource === handler.resource;
  if (!createOrUpdate || !mine) return { allowed: true };
  if (!isJsonObject(request.object)) {
    return badRequest(`the ${request.operation} request has no ${handler.resource} object`);
  }
  return handler.review(request, request.object);
}

/** The request of an AdmissionReview, or what is wrong with the body. */
function admissionRequestOf(body: string): AdmissionRequest | string {
  let review: unknown;
  try {
    review = JSON.parse(body);
  } catch (error) {
    return `the body is not JSON: ${(error as Error).message}`;
  }
  if (!isJsonObject(review) || review['apiVersion'] !== ADMISSION_REVIEW_VERSION) {
    return `expected an AdmissionReview of ${ADMISSION_REVIEW_VERSION}`;
  }
  const request = review['request'];
  if (!isJsonObject(request) || typeof request['uid'] !== 'string') {
    return 'the AdmissionReview has no request with a uid';
  }
  const resource = request['resource'];
  if (!isJsonObject(resource) || typeof request['operation'] !== 'string') {
    return 'the AdmissionReview request has no resource or operation';
  }
  return request as unknown as AdmissionRequest;
}

function verdictOf(errors: readonly string[]): Verdict {
  if (errors.length === 0) return { allowed: true };
  return {
    allowed: false,
    status: { status: 'Failure', code: 403, reason: 'Forbidden', message: aggregate(errors) },
  };
}

function badRequest(message: string): Verdict {
  return {
    allowed: false,
    status: { status: 'Failure', code: 400, reason: 'BadRequest', message },
  };
}

/** apimachinery's aggregate error text: the error alone, or `[a, b]`. */
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]`;
}

function reviewOf(uid: string, verdict: Verdict): AdmissionReview {
  return {
    apiVersion: ADMISSION_REVIEW_VERSION,
    kind: 'AdmissionReview',
    response: { uid, ...verdict },
  };
}
