// Structured logs: one JSON object per line on stderr, `{"ts","level","msg",...fields}`, with stable
// field names (`controller`, `object`, `cluster`, `error`). Messages are plain text so that tests
// and operators can grep them (`promoted as leader`). Debug output is gated klog-style by `--v`.

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
   * `json` (default): one JSON object per line. `text`: `<ts> <LEVEL> <msg> key=value ...`, with
   * the message verbatim, for tools that grep exact log lines (KubeFed's e2e suite).
   */
  format?: LogFormat;
}

export type LogFormat = 'json' | 'text';

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

  constructor(options: LoggerOptions = {}) {
    this.#format = options.format ?? 'json';
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

  #write(level: LogLevel, msg: string, v: number | undefined, fields: LogFields | undefined): void {
    const head: Record<string, unknown> = { ts: new Date(this.#now()).toISOString(), level, msg };
    if (v !== undefined) head['v'] = v;
    // Fixed keys first and never overwritten by a field of the same name.
    const entry = { ...head, ...this.#fields, ...fields, ...head };
    if (this.#format === 'text') {
      this.#sink(textLine(entry));
      return;
    }
    let line: string;
    try {
      line = JSON.stringify(entry, jsonSafe);
    } catch (err) {
      line = JSON.stringify({ ...head, logError: `fields not serializable: ${String(err)}` });
    }
    this.#sink(line);
  }
}

function textLine(entry: Record<string, unknown>): string {
  const { ts, level, msg, ...rest } = entry;
  const pairs = Object.entries(rest).map(([key, value]) => {
    let text: string;
    try {
      // JSON.stringify returns undefined for undefined and functions, whatever its type says.
      const json = JSON.stringify(value, jsonSafe) as string | undefined;
      text = typeof value === 'string' ? value : (json ?? String(value));
    } catch {
      text = String(value);
    }
    return `${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  });
  return [String(ts), String(level).toUpperCase(), String(msg), ...pairs].join(' ');
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === 'bigint') return value.toString();
  return value;
}
