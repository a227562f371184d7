// The two time formats of the Kubernetes API: metav1.Time (RFC 3339, UTC, whole seconds: conditions,
// Events, creation timestamps) and metav1.MicroTime (microseconds: Lease renew and acquire times).

/** metav1.Time: `YYYY-MM-DDTHH:MM:SSZ`. */
export function kubeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: `YYYY-MM-DDTHH:MM:SS.ssssssZ` (our clock has milliseconds; the rest is 0). */
export function kubeMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
