/** Provider internals, for tests and tools (programs use the SDK at the package root). No Pulumi imports. */
export * as bucket from "./bucket";
export * as accessKey from "./accessKey";
export { OtterStorageClient, clientFor } from "./client";
export type { ClientOptions, Answer } from "./client";
export { OtterStorageError, HINTS, ERRORS, PROVIDER_ERRORS, isErrorCode, scrub } from "./errors";
export type { OtterStorageErrorCode, ProviderErrorCode, ErrorEntry } from "./errors";
export { configure, resolveConfig, resetConfiguration, CONFIG_KEYS, ENV_KEYS } from "./config";
export type { ProviderConfig } from "./config";
export { DEFAULT_RETRY_POLICY, nextDelay, parseRetryAfter, policyFromEnv } from "./retry";
export type { RetryPolicy } from "./retry";
export { UNKNOWN } from "./common";
