// Go `time.Duration` text, as KubeFedConfig stores it (`metav1.Duration`): Go tools parse these
// strings, so we must write exactly what Go's `Duration.String()` writes and read everything
// `time.ParseDuration` reads. Arithmetic is done on integer nanoseconds (bigint) like Go's int64.

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const MAX_INT64 = (1n << 63n) - 1n;
const NANOS_PER_MILLI = 1_000_000;

/**
 * Parses a Go duration (`"1m0s"`, `"1.5h"`, `"-300ms"`, `"2h45m"`, `"0"`) into milliseconds,
 * possibly fractional for sub-millisecond parts. Throws with Go's message on invalid input.
 */
export function parseGoDuration(text: string): number {
  return Number(parseNanos(text)) / NANOS_PER_MILLI;
}

/**
 * Formats milliseconds like Go's `Duration.String()`: `"1m0s"`, `"1h0m0s"`, `"1.5s"`, `"500ms"`,
 * `"0s"`. Precision is one nanosecond.
 */
export function formatGoDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) throw new Error(`not a finite duration: ${milliseconds}`);
  return formatNanos(BigInt(Math.round(milliseconds * NANOS_PER_MILLI)));
}

function parseNanos(text: string): bigint {
  const invalid = (): Error => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  // Go accepts a bare zero without a unit, and nothing else without one.
  if (rest === '0') return 0n;
  if (rest === '') throw invalid();

  let total = 0n;
  while (rest !== '') {
    const component = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = component?.[1] ?? '';
    const fraction = component?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) throw invalid();
    rest = rest.slice(component?.[0].length ?? 0);

    const unitEnd = rest.search(/[\d.]/);
    const unitText = unitEnd < 0 ? rest : rest.slice(0, unitEnd);
    if (unitText === '') {
      throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    }
    const unit = NANOS_PER_UNIT.get(unitText);
    if (unit === undefined) {
      throw new Error(
        `time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`,
      );
    }
    rest = rest.slice(unitText.length);

    const wholeValue = BigInt(whole === '' ? '0' : whole);
    if (wholeValue > (1n << 63n) / unit) throw invalid();
    let value = wholeValue * unit;
    if (fraction) value += fractionNanos(fraction, unit);
    total += value;
    if (total > MAX_INT64 + 1n) throw invalid();
  }
  if (negative) return -total;
  if (total > MAX_INT64) throw invalid();
  return total;
}

/**
 * The fraction's share of `unit`, computed as Go does: digits as an integer (ignoring those that
 * would overflow int64), scaled in float64, truncated ("1.0000000001s" is 1s).
 */
function fractionNanos(digits: string, unit: bigint): bigint {
  let numerator = 0n;
  let scale = 1;
  for (const digit of digits) {
    const next = numerator * 10n + BigInt(digit);
    if (next > MAX_INT64) break;
    numerator = next;
    scale *= 10;
  }
  return BigInt(Math.trunc(Number(numerator) * (Number(unit) / scale)));
}

function formatNanos(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (magnitude === 0n) return '0s';
  if (magnitude < 1_000n) return `${sign}${magnitude}ns`;
  if (magnitude < 1_000_000n) return `${sign}${decimal(magnitude, 3)}µs`;
  if (magnitude < 1_000_000_000n) return `${sign}${decimal(magnitude, 6)}ms`;

  const seconds = decimal(magnitude % 60_000_000_000n, 9);
  const totalMinutes = magnitude / 60_000_000_000n;
  if (totalMinutes === 0n) return `${sign}${seconds}s`;
  const hours = totalMinutes / 60n;
  const minutes = totalMinutes % 60n;
  if (hours === 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${hours}h${minutes}m${seconds}s`;
}

/** `value / 10**digits` with trailing fractional zeros (and a bare point) removed. */
function decimal(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  const whole = (value / scale).toString();
  return fraction === '' ? whole : `${whole}.${fraction}`;
}
