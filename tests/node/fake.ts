// What guide.test.ts needs around MOIA's guide code: where the fake listens,
// the middlewares every integrator sets up (access token, deadline), the
// fake's namespace header, reading google.rpc error details from the
// `grpc-status-details-bin` trailer, and a retry loop for UNAVAILABLE.

import {
  CallOptions,
  ClientError,
  ClientMiddleware,
  Metadata,
  Status as GrpcStatus,
} from "nice-grpc";
import { Status } from "./gen/ts/google/rpc/status";
import { ErrorInfo, RetryInfo } from "./gen/ts/google/rpc/error_details";

/** HOST:PORT of the running customer-fake (set by tests/clients.sh). */
export function fakeAddress(): string {
  const address = process.env.FAKE_ADDRESS;
  if (!address) {
    throw new Error("FAKE_ADDRESS is not set: run the tests through tests/clients.sh BINARY");
  }
  return address;
}

/** How long a call may take before the client gives up on it. */
export const CALL_TIMEOUT_MS = 10_000;

/** Adds the value of `key` to every call's metadata. */
function withHeader(key: string, value: string): ClientMiddleware {
  return async function* (call, options) {
    const metadata = Metadata(options.metadata).set(key, value);
    return yield* call.next(call.request, { ...options, metadata });
  };
}

/** `authorization: Bearer <token>` on every call, as the Trip API requires. */
export function accessToken(token: string): ClientMiddleware {
  return withHeader("authorization", `Bearer ${token}`);
}

/** The fake's `x-fake-namespace`: every test gets its own state. */
export function fakeNamespace(name: string): ClientMiddleware {
  return withHeader("x-fake-namespace", name);
}

/** Aborts a call that is not answered within `ms`. */
export function deadline(ms: number): ClientMiddleware {
  return async function* (call, options) {
    const timeout = AbortSignal.timeout(ms);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    return yield* call.next(call.request, { ...options, signal });
  };
}

/** A failed call: the error and the google.rpc.Status of its trailer. */
export interface RpcFailure {
  error: ClientError;
  status: Status | undefined;
  errorInfo: ErrorInfo | undefined;
  retryInfo: RetryInfo | undefined;
}

/** Decodes `grpc-status-details-bin` of a call's trailer, if present. */
export function statusDetails(trailer: Metadata | undefined): Status | undefined {
  const bytes = trailer?.get("grpc-status-details-bin");
  return bytes === undefined ? undefined : Status.decode(bytes);
}

function detail<T>(status: Status | undefined, typeName: string,
                   decode: (bytes: Uint8Array) => T): T | undefined {
  const any = status?.details.find((d) => d.typeUrl.endsWith(`/${typeName}`));
  return any === undefined ? undefined : decode(any.value);
}

/**
 * Runs `call` and returns its failure with the decoded error details; throws
 * when the call succeeds or fails with something other than a ClientError.
 */
export async function failureOf(
  call: (options: CallOptions) => Promise<unknown>,
): Promise<RpcFailure> {
  let trailer: Metadata | undefined;
  try {
    await call({ onTrailer: (t) => { trailer = t; } });
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const status = statusDetails(trailer);
    return {
      error,
      status,
      errorInfo: detail(status, "google.rpc.ErrorInfo", (b) => ErrorInfo.decode(b)),
      retryInfo: detail(status, "google.rpc.RetryInfo", (b) => RetryInfo.decode(b)),
    };
  }
  throw new Error("expected the call to fail, it succeeded");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls again while the service answers UNAVAILABLE, waiting the RetryInfo
 * delay the error carries (or `backoffMs`), at most `maxAttempts` calls.
 */
export async function retryUnavailable<T>(
  call: (options: CallOptions) => Promise<T>,
  { maxAttempts = 5, backoffMs = 20 } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let trailer: Metadata | undefined;
    try {
      return await call({ onTrailer: (t) => { trailer = t; } });
    } catch (error) {
      if (!(error instanceof ClientError) || error.code !== GrpcStatus.UNAVAILABLE ||
          attempt >= maxAttempts) {
        throw error;
      }
      const retry = detail(statusDetails(trailer), "google.rpc.RetryInfo",
                           (b) => RetryInfo.decode(b));
      const delay = retry?.retryDelay;
      await sleep(delay ? delay.seconds * 1000 + delay.nanos / 1e6 : backoffMs);
    }
  }
}
