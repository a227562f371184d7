// KubeFedConfig settings this control plane accepts (they are valid KubeFed API) but does not act
// on: each is said once at start-up, in a warning and, for a config read from the host cluster,
// in a Warning Event on the KubeFedConfig, so that a setting never does nothing in silence.
import { SETTING_HAS_NO_EFFECT } from '../apis/constants.ts';
import { parseGoDuration } from '../apis/duration.ts';
import type { KubeFedConfig } from '../apis/types.ts';
import type { EventRecorder } from '../runtime/events.ts';
import type { Leadership } from '../runtime/leadership.ts';
import type { Logger } from '../runtime/logger.ts';

/** KubeFed's default, which defaulting writes into every config: it says nothing about intent. */
const DEFAULT_CACHE_SYNC_TIMEOUT_MS = 5 * 60_000;

/** What to tell the user about the settings of a defaulted, valid config that do nothing. Pure. */
export function inertSettings(config: KubeFedConfig): string[] {
  const messages: string[] = [];
  const cacheSyncTimeout = config.spec.controllerDuration?.cacheSyncTimeout;
  if (
    cacheSyncTimeout !== undefined &&
    parseGoDuration(cacheSyncTimeout) !== DEFAULT_CACHE_SYNC_TIMEOUT_MS
  ) {
    messages.push(
      `spec.controllerDuration.cacheSyncTimeout: ${cacheSyncTimeout} has no effect: the controllers wait for their caches to sync without a time limit (remove the setting or set it to the default 5m0s to silence this)`,
    );
  }
  return messages;
}

/** Logs each inert setting now; the Events go out once this process leads (a standby writes none). */
export function reportInertSettings(
  config: KubeFedConfig,
  deps: { logger: Logger; events: EventRecorder; leadership: Leadership },
): void {
  const messages = inertSettings(config);
  for (const message of messages) deps.logger.warn(message);
  // A config from --kubefed-config is no object of the cluster: nothing to put an Event on.
  if (messages.length === 0 || config.metadata?.uid === undefined) return;
  deps.leadership.whenLeading(() => {
    for (const message of messages)
      deps.events.record(config, 'Warning', SETTING_HAS_NO_EFFECT, message);
  });
}
