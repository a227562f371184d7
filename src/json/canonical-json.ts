// The bytes Go's `encoding/json` Encoder writes for a value, so that MD5 hashes of templates and
// overrides match the ones the Go KubeFed stored in (Cluster)PropagatedVersions (spec §7.9). A
// mismatch would make every member object look stale on switch-over and rewrite it.
//
// Go rules reproduced: map keys sorted by UTF-8 bytes; no whitespace; `<`, `>`, `&`, U+2028 and
// U+2029 escaped; control characters as `\u00xx` except `\n`, `\r`, `\t` (KubeFed v0.10 was built
// with a Go older than 1.22, which is when `\b` and `\f` got short escapes); floats in shortest
// round-trip form with exponents outside [1e-6, 1e21); one trailing newline.
import { createHash } from 'node:crypto';

/**
 * A Go struct: fields are written in declaration order (not sorted), and a field whose value is
 * `undefined` is left out (an `omitempty` field that is empty).
 */
export class GoStruct {
  readonly fields: readonly (readonly [string, unknown])[];

  constructor(fields: readonly (readonly [string, unknown])[]) {
    this.fields = fields;
  }
}

/** Go `encoding/json` Encoder output for a JSON value, with its trailing newline. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  encode(value, out);
  out.push('\n');
  return out.join('');
}

/** Lowercase hex MD5 of the UTF-8 bytes of `text`. */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * Orders strings the way Go compares them: by UTF-8 bytes, i.e. by code point. JavaScript's `<`
 * compares UTF-16 code units, which puts astral characters before U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate starts a code point above U+FFFF, beyond every other BMP character.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** A string as Go's encoder quotes it (HTML-safe). */
export function goQuote(text: string): string {
  // Go holds only valid UTF-8: its decoder already turned broken sequences into U+FFFD.
  const s = text.toWellFormed();
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const escaped = escapeFor(c);
    if (escaped === undefined) continue;
    out += s.slice(start, i) + escaped;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

function escapeFor(c: number): string | undefined {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x3c:
    case 0x3e:
    case 0x26:
    case 0x2028:
    case 0x2029:
      return unicodeEscape(c);
    default:
      return c < 0x20 ? unicodeEscape(c) : undefined;
  }
}

function unicodeEscape(c: number): string {
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

/**
 * Go's float64 formatting. JavaScript's Number→String conversion uses the same shortest
 * round-trip digits and the same switch to exponent form (below 1e-6, from 1e21 up), and Go strips
 * the exponent's leading zero (`1e-07` → `1e-7`), so the two agree for every finite double. Integers
 * a template stored as int64 beyond 2^53 need a bigint to keep their digits.
 */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`json: unsupported value: ${String(n)}`);
  return String(n);
}

function encode(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      out.push(formatNumber(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'string':
      out.push(goQuote(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item: unknown, i) => {
      if (i > 0) out.push(',');
      encode(item, out);
    });
    out.push(']');
    return;
  }
  const entries =
    value instanceof GoStruct
      ? value.fields
      : Object.entries(value)
          .map(([k, v]) => [k.toWellFormed(), v] as const)
          .sort(([a], [b]) => compareUtf8(a, b));
  out.push('{');
  let first = true;
  for (const [key, item] of entries) {
    if (item === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(goQuote(key), ':');
    encode(item, out);
  }
  out.push('}');
}
