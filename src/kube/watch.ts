// The watch wire format: one JSON `{"type", "object"}` per line (the API server's JSON framing
// writes each event with a trailing newline). Decoding is pure; `KubeClient.watch` feeds it the
// response body chunk by chunk, wherever the network happened to split it.
import { isStatus } from './object.ts';
import type { Status } from './object.ts';
import { isJsonObject, type KubeObject } from '../json/object.ts';

/** What a watch yields. An `ERROR` event is never yielded: it ends the watch with an `ApiError`. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  /** The object (for BOOKMARK, only `apiVersion`, `kind` and `metadata.resourceVersion` count). */
  object: KubeObject;
}

/** A decoded line: an event to yield, or the Status of an `ERROR` event. */
export type DecodedWatchLine = { event: WatchEvent } | { error: Status };

/** Thrown for a line that is not a watch event; the stream cannot be trusted after it. */
export class MalformedWatchEventError extends Error {
  override readonly name = 'MalformedWatchEventError';
}

const eventTypes: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/** Parses one line of a watch stream. */
export function parseWatchLine(line: string): DecodedWatchLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new MalformedWatchEventError(`malformed watch event: ${excerpt(line)}`);
  }
  if (!isJsonObject(value) || typeof value['type'] !== 'string') {
    throw new MalformedWatchEventError(`watch event without a type: ${excerpt(line)}`);
  }
  const { type, object } = value;
  if (type === 'ERROR') {
    if (isStatus(object)) return { error: object };
    // Not a Status: report what came, as the server's error.
    return {
      error: {
        kind: 'Status',
        status: 'Failure',
        message: `watch ERROR event without a Status: ${object === undefined ? 'no object' : excerpt(JSON.stringify(object))}`,
      },
    };
  }
  if (!eventTypes.has(type)) {
    throw new MalformedWatchEventError(`unknown watch event type "${type}"`);
  }
  if (!isJsonObject(object)) {
    throw new MalformedWatchEventError(`watch ${type} event without an object`);
  }
  return { event: { type: type as WatchEventType, object } };
}

/**
 * Splits a byte stream into lines and decodes each. A multi-byte character or a line split across
 * chunks is held back until the rest arrives.
 */
export class WatchDecoder {
  readonly #text = new TextDecoder('utf-8', { fatal: false });
  #pending = '';

  /** Decodes the complete lines in `chunk` (plus what was held back). */
  push(chunk: Uint8Array | string): DecodedWatchLine[] {
    this.#pending += typeof chunk === 'string' ? chunk : this.#text.decode(chunk, { stream: true });
    const results: DecodedWatchLine[] = [];
    let newline = this.#pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.#pending.slice(0, newline).trim();
      this.#pending = this.#pending.slice(newline + 1);
      if (line !== '') results.push(parseWatchLine(line));
      newline = this.#pending.indexOf('\n');
    }
    return results;
  }

  /** The stream ended: decodes a last line that had no newline; throws if it is cut short. */
  end(): DecodedWatchLine[] {
    const rest = (this.#pending + this.#text.decode()).trim();
    this.#pending = '';
    return rest === '' ? [] : [parseWatchLine(rest)];
  }
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
