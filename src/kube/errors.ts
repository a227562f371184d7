// Typed API errors. Every error leaving the client names the cluster it came from, so a user reads
// `member2: connection refused (https://127.0.0.1:1234)`, never a bare stack trace.
import { isStatus } from './object.ts';
import type { Status } from './object.ts';
import { isJsonObject } from '../json/object.ts';

/** Which request failed: carried by every error the client throws. */
export interface RequestContext {
  cluster: string;
  /** HTTP method. */
  verb: string;
  /** Path with query string, as sent. */
  path: string;
  /** Server base URL. */
  server: string;
}

// metav1.StatusReason values for a status code whose body carried no Status (a proxy's page, ...).
const reasonForCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A response from the API server with a non-2xx status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status code. */
  readonly statusCode: number;
  /** metav1.StatusReason (`NotFound`, `AlreadyExists`, ...); `Unknown` when neither body nor code tells. */
  readonly reason: string;
  /** The server's own message, without the cluster prefix. */
  readonly apiMessage: string;
  /** The Status object returned by the server (synthesised when the body was not one). */
  readonly status: Status;
  readonly context: RequestContext;

  constructor(statusCode: number, status: Status, context: RequestContext) {
    const apiMessage = status.message ?? `the server responded with status ${statusCode}`;
    const details = status.details;
    // A Status without details ("the server could not find the requested resource") does not say
    // what was asked; the request line does.
    const hasDetails = details !== undefined && (details.name ?? details.kind ?? '') !== '';
    const where = hasDetails ? '' : ` (${context.verb} ${context.path})`;
    super(`${context.cluster}: ${apiMessage}${where}`);
    this.statusCode = statusCode;
    this.reason = status.reason || (reasonForCode[statusCode] ?? 'Unknown');
    this.apiMessage = apiMessage;
    this.status = status;
    this.context = context;
  }

  /** The server's `Retry-After` hint (429, 503, ...), in seconds. */
  get retryAfterSeconds(): number | undefined {
    return this.status.details?.retryAfterSeconds;
  }

  /** Build from a Status that arrived without an HTTP error code: a watch's `ERROR` event. */
  static fromStatus(status: Status, context: RequestContext): ApiError {
    const code = typeof status.code === 'number' && status.code > 0 ? status.code : 500;
    return new ApiError(code, status, context);
  }

  /** Build from a response body, which may or may not be a Status. */
  static fromResponse(statusCode: number, body: unknown, context: RequestContext): ApiError {
    if (isStatus(body)) return new ApiError(statusCode, body, context);
    const reason = reasonForCode[statusCode] ?? 'Unknown';
    const text = typeof body === 'string' ? body.trim().slice(0, 300) : '';
    const status: Status = {
      apiVersion: 'v1',
      kind: 'Status',
      status: 'Failure',
      code: statusCode,
      reason,
      message: `the server responded with ${statusCode} ${reason}${text ? `: ${text}` : ''}`,
    };
    return new ApiError(statusCode, status, context);
  }
}

export type TransportErrorKind =
  | 'connection-refused'
  | 'host-not-found'
  | 'connect-timeout'
  | 'timeout'
  | 'connection-reset'
  | 'tls'
  /** The answer (a watch stream) broke off mid-way or was not what the API sends. */
  | 'malformed-response'
  | 'other';

/**
 * A write the client's write fence refused: it was not sent. The controller manager fences its
 * writes with its leadership term, so a process that froze with a write prepared does not send it
 * once another process may lead.
 */
export class WriteFencedError extends Error {
  override readonly name = 'WriteFencedError';
  readonly context: RequestContext;

  constructor(context: RequestContext) {
    super(
      `${context.cluster}: ${context.verb} ${context.path} not sent: this process no longer leads`,
    );
    this.context = context;
  }
}

export function isWriteFenced(err: unknown): err is WriteFencedError {
  return err instanceof WriteFencedError;
}

/**
 * The request never got a usable HTTP response: network, DNS, TLS, timeout, or a watch stream that
 * was cut or garbled.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly kind: TransportErrorKind;
  readonly context: RequestContext;

  constructor(kind: TransportErrorKind, detail: string, context: RequestContext, cause: unknown) {
    super(`${context.cluster}: ${detail} (${context.server})`, { cause });
    this.kind = kind;
    this.context = context;
  }

  /** Classify a low-level error (Node's `code`s, undici's `UND_ERR_*`). */
  static from(cause: unknown, context: RequestContext): TransportError {
    const code = errorCode(cause);
    const message = cause instanceof Error ? cause.message : String(cause);
    switch (code) {
      case 'ECONNREFUSED':
        return new TransportError('connection-refused', 'connection refused', context, cause);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new TransportError('host-not-found', 'host not found', context, cause);
      case 'ETIMEDOUT':
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new TransportError('connect-timeout', 'connection timed out', context, cause);
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
        return new TransportError('timeout', 'timed out waiting for the server', context, cause);
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_SOCKET':
        return new TransportError(
          'connection-reset',
          'connection closed by the server',
          context,
          cause,
        );
      default:
        if (code !== undefined && isTlsErrorCode(code)) {
          return new TransportError('tls', `TLS error: ${message}`, context, cause);
        }
        return new TransportError('other', message || 'request failed', context, cause);
    }
  }

  static timeout(timeoutMs: number, context: RequestContext): TransportError {
    return new TransportError(
      'timeout',
      `request timed out after ${timeoutMs}ms`,
      context,
      undefined,
    );
  }
}

function isTlsErrorCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.includes('CERT') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  );
}

/** The first `code` along an error's cause chain (and inside an AggregateError). */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (!isPlainObjectOrError(err) || depth > 5) return undefined;
  const code = err['code'];
  if (typeof code === 'string') return code;
  const errors = err['errors'];
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const innerCode = errorCode(inner, depth + 1);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return errorCode(err['cause'], depth + 1);
}

function isPlainObjectOrError(value: unknown): value is Record<string, unknown> {
  return value instanceof Error || isJsonObject(value);
}

function reasonOf(err: unknown): string | undefined {
  return err instanceof ApiError ? err.reason : undefined;
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

export function isTransportError(err: unknown): err is TransportError {
  return err instanceof TransportError;
}

export function isNotFound(err: unknown): boolean {
  return reasonOf(err) === 'NotFound';
}

/** What `read` resolves to, or undefined when the server answers NotFound. */
export async function ifFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function isAlreadyExists(err: unknown): boolean {
  return reasonOf(err) === 'AlreadyExists';
}

/** An optimistic-concurrency conflict (stale resourceVersion), not AlreadyExists. */
export function isConflict(err: unknown): boolean {
  return reasonOf(err) === 'Conflict';
}

/** 410: a watch or list resourceVersion / continue token too old (reason `Gone` or `Expired`). */
export function isGone(err: unknown): boolean {
  return err instanceof ApiError && err.statusCode === 410;
}

export function isForbidden(err: unknown): boolean {
  return reasonOf(err) === 'Forbidden';
}

export function isUnauthorized(err: unknown): boolean {
  return reasonOf(err) === 'Unauthorized';
}

export function isInvalid(err: unknown): boolean {
  return reasonOf(err) === 'Invalid';
}

/** The server gave up (`Timeout`, `ServerTimeout`), or the client did before an answer came. */
export function isTimeout(err: unknown): boolean {
  const reason = reasonOf(err);
  if (reason === 'Timeout' || reason === 'ServerTimeout') return true;
  return (
    err instanceof TransportError && (err.kind === 'timeout' || err.kind === 'connect-timeout')
  );
}

/** The message of a thrown value, whatever was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Whether `signal` has ended. A call rather than a property read, for use after an await: the
 * compiler would otherwise keep what it knew of `signal.aborted` from before.
 */
export function isCancelled(signal: AbortSignal): boolean {
  return signal.aborted;
}
