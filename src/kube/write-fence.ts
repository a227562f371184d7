// The last check of a write fence: where undici hands a request to a connection, right before its
// bytes are written. A check when the request is prepared is not enough: a request can wait in
// undici for a connection (one being opened, say), and a process frozen (SIGSTOP, a long GC or VM
// pause) meanwhile would send it on waking, after another process took over.
import type { Dispatcher } from 'undici';

/**
 * `dispatcher`, with every request it sends checked against `allowed` at the moment undici puts
 * it on a socket; a refused one fails with `refusal()` and is never written.
 */
export function fencedDispatcher(
  dispatcher: Dispatcher,
  allowed: () => boolean,
  refusal: () => Error,
): Dispatcher {
  return dispatcher.compose(
    (dispatch) => (options, handler) =>
      dispatch(options, new FencedHandler(handler, allowed, refusal)),
  );
}

/** Passes everything through to `inner`, except a start the fence refuses. */
class FencedHandler implements Dispatcher.DispatchHandler {
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #allowed: () => boolean;
  readonly #refusal: () => Error;

  constructor(inner: Dispatcher.DispatchHandler, allowed: () => boolean, refusal: () => Error) {
    this.#inner = inner;
    this.#allowed = allowed;
    this.#refusal = refusal;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    if (!this.#allowed()) {
      controller.abort(this.#refusal());
      return;
    }
    this.#inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    ...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>
  ): void {
    this.#inner.onRequestUpgrade?.(...args);
  }

  onResponseStart(
    ...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>
  ): void {
    this.#inner.onResponseStart?.(...args);
  }

  onResponseData(
    ...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseData']>>
  ): void {
    this.#inner.onResponseData?.(...args);
  }

  onResponseEnd(
    ...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>
  ): void {
    this.#inner.onResponseEnd?.(...args);
  }

  onResponseError(
    ...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseError']>>
  ): void {
    this.#inner.onResponseError?.(...args);
  }
}
