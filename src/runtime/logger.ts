// Structured logs on stderr with stable field names (`controller`, `object`, `cluster`, `error`).
// By default in klog's text format, as Kubernetes components and KubeFed write them
// (`I1202 04:18:42.123456   12345 main.ts:61] promoted as leader identity="..."`); with
// `--logging-format=json` one JSON object per line, `{"ts","level","msg",...fields}`. Messages are
// plain text so that tests and operators can grep them. Debug output is gated klog-style by `--v`.
import { jsonSafe, klogTextLine } from './klog-text.ts';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export type LogFields = Readonly<Record<string, unknown>>;

/** Receives each finished line (without the trailing newline). */
export type LogSink = (line: string) => void;

export interface LoggerOptions {
  /** `--v`: `v(n)` messages are written when n <= verbosity. Default 0. */
  verbosity?: number;
  sink?: LogSink;
  /** Milliseconds since the epoch, for `ts`. */
  now?: () => number;
  /** Fields on every line of this logger. */
  fields?: LogFields;
  /**
   * `text` (default): klog's text format, the message verbatim (see klog-text.ts). `json`: one
   * JSON object per line.
   */
  format?: LogFormat;
  /** The pid in klog's header. Default: this process's. */
  pid?: number;
}

export type LogFormat = 'json' | 'text';

/** `--logging-format` as Kubernetes components take it: `text` (the default) or `json`. */
export function parseLogFormat(text: string): LogFormat {
  if (text !== 'json' && text !== 'text')
    throw new Error(`--logging-format must be text or json, got "${text}"`);
  return text;
}

/** Writes to the process's stderr. */
function stderrSink(): LogSink {
  return (line) => {
    process.stderr.write(`${line}\n`);
  };
}

/** Logging at one `v` level; `enabled` lets callers skip building expensive fields. */
export interface VerboseLogger {
  readonly enabled: boolean;
  info(msg: string, fields?: LogFields): void;
}

const disabled: VerboseLogger = Object.freeze({ enabled: false, info: () => undefined });

export class Logger {
  readonly verbosity: number;
  readonly #sink: LogSink;
  readonly #now: () => number;
  readonly #fields: LogFields;
  readonly #format: LogFormat;
  readonly #pid: number;

  constructor(options: LoggerOptions = {}) {
    this.#format = options.format ?? 'text';
    this.#pid = options.pid ?? process.pid;
    this.verbosity = options.verbosity ?? 0;
    this.#sink = options.sink ?? stderrSink();
    this.#now = options.now ?? (() => Date.now());
    this.#fields = options.fields ?? {};
  }

  /** A logger that adds `fields` to every line (e.g. `{ controller: 'federatedconfigmap' }`). */
  child(fields: LogFields): Logger {
    return new Logger({
      verbosity: this.verbosity,
      sink: this.#sink,
      now: this.#now,
      fields: { ...this.#fields, ...fields },
      format: this.#format,
      pid: this.#pid,
    });
  }

  info(msg: string, fields?: LogFields): void {
    this.#write('info', msg, undefined, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.#write('warn', msg, undefined, fields);
  }

  /** Logs `msg` with `error`'s message under the `error` key. */
  error(msg: string, error?: unknown, fields?: LogFields): void {
    const extra = error === undefined ? fields : { ...fields, error };
    this.#write('error', msg, undefined, extra);
  }

  /** Debug logging at klog level `level`: written only when `level <= verbosity`. */
  v(level: number): VerboseLogger {
    if (level > this.verbosity) return disabled;
    return {
      enabled: true,
      info: (msg, fields) => {
        this.#write('debug', msg, level, fields);
      },
    };
  }

  // Every public method calls #write directly, so the caller is two frames up (see callSite).
  #write(level: LogLevel, msg: string, v: number | undefined, fields: LogFields | undefined): void {
    if (this.#format === 'text') {
      this.#sink(
        klogTextLine({
          severity: level === 'debug' ? 'info' : level,
          timeMs: this.#now(),
          pid: this.#pid,
          caller: callSite(this.#write),
          msg,
          fields: { ...this.#fields, ...fields },
        }),
      );
      return;
    }
    const head: Record<string, unknown> = { ts: new Date(this.#now()).toISOString(), level, msg };
    if (v !== undefined) head['v'] = v;
    // Fixed keys first and never overwritten by a field of the same name.
    const entry = { ...head, ...this.#fields, ...fields, ...head };
    let line: string;
    try {
      line = JSON.stringify(entry, jsonSafe);
    } catch (err) {
      line = JSON.stringify({ ...head, logError: `fields not serializable: ${String(err)}` });
    }
    this.#sink(line);
  }
}

/**
 * `file:line` of whoever called the public logging method that called `write`: V8 records the
 * frames above `write` (the logging method, then its caller) without rendering the whole stack.
 * The dearest part of a text line (about twice the rest); `???:1` (klog's placeholder) if the frame
 * has no location.
 */
function callSite(write: (...args: never[]) => void): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 2;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, write);
  Error.stackTraceLimit = limit;
  const frame = holder.stack?.split('\n').at(-1) ?? '';
  const match = /([^/\\\s(]+):(\d+):\d+\)?$/.exec(frame);
  return match ? `${String(match[1])}:${String(match[2])}` : '???:1';
}
