// klog's text format, as Kubernetes components and KubeFed write their logs by default:
//
//   I1202 04:18:42.123456   12345 main.ts:61] message key="value" count=3
//
// The header is klog's `Lmmdd hh:mm:ss.uuuuuu pid file:line] ` (severity letter, month, day,
// time with microseconds, the pid right-aligned in 7 columns, the call site). Two deliberate
// choices: the time is UTC (klog uses local time; a pod's clock is UTC anyway, and UTC lines
// compare across hosts), and the message is verbatim even when key/value pairs follow (klog's
// InfoS would quote it) because KubeFed logs with Infof, so its messages appear verbatim in its
// logs and tools grep them that way (`Using valid KubeFedConfig "ns/name"`). Values follow klog's
// structured key/value serialisation. Pure.

export type KlogSeverity = 'info' | 'warn' | 'error';

const severityLetter: Record<KlogSeverity, string> = { info: 'I', warn: 'W', error: 'E' };

export interface KlogEntry {
  severity: KlogSeverity;
  /** Milliseconds since the epoch (klog prints microseconds; ours are always 000). */
  timeMs: number;
  pid: number;
  /** `file:line` of the call site. */
  caller: string;
  msg: string;
  /** Key/value pairs in order; `undefined` values are left out, as in our JSON lines. */
  fields: Readonly<Record<string, unknown>>;
}

export function klogTextLine(entry: KlogEntry): string {
  let line = `${klogHeader(entry)}${entry.msg}`;
  for (const [key, value] of Object.entries(entry.fields)) {
    if (value === undefined) continue;
    line += ` ${key}${klogValue(value)}`;
  }
  return line;
}

export function klogHeader(
  entry: Pick<KlogEntry, 'severity' | 'timeMs' | 'pid' | 'caller'>,
): string {
  const t = new Date(entry.timeMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  const date = `${two(t.getUTCMonth() + 1)}${two(t.getUTCDate())}`;
  const time = `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
  const micros = String(t.getUTCMilliseconds() * 1000).padStart(6, '0');
  const pid = String(entry.pid).padStart(7, ' ');
  return `${severityLetter[entry.severity]}${date} ${time}.${micros} ${pid} ${entry.caller}] `;
}

/**
 * The `=value` part of one pair, as klog writes it: strings and errors quoted (Go's
 * strconv.Quote, here JSON's string escaping, which agrees on quotes, backslashes and \n \t),
 * numbers and booleans bare, `<nil>` for null, `<func>` for a function, other values in one line (JSON) unquoted. A
 * string or error message spanning lines is written as klog's indented block:
 * `key=<` newline, each line after a tab, then ` >`.
 */
export function klogValue(value: unknown): string {
  if (typeof value === 'string') return stringValue(value);
  if (value instanceof Error) return stringValue(value.message);
  if (value === null || value === undefined) return '=<nil>';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `=${String(value)}`;
  if (typeof value === 'symbol') return `=${value.toString()}`;
  if (typeof value === 'function') return '=<func>';
  try {
    return `=${JSON.stringify(value, jsonSafe)}`;
  } catch (error) {
    return `=<not serializable: ${error instanceof Error ? error.message : String(error)}>`;
  }
}

function stringValue(text: string): string {
  if (!text.includes('\n')) return `=${JSON.stringify(text)}`;
  const lines = text.split('\n');
  // A trailing newline ends the last line rather than starting an empty one, as in klog.
  if (lines.at(-1) === '') lines.pop();
  return `=<\n${lines.map((l) => `\t${l}\n`).join('')} >`;
}

/** JSON replacer for log values: errors by message, bigints as strings. */
export function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === 'bigint') return value.toString();
  return value;
}
