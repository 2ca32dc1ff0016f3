/** Provider internals, for tests and tools (programs use the SDK at the package root). No Pulumi imports. */
export * as bucket from "./bucket";
export * as accessKey from "./accessKey";
export { OtterStorageClient, clientFor } from "./client";
export type { ClientOptions, Answer } from "./client";
export { OtterStorageError, PartialCreateError, HINTS, ERRORS, PROVIDER_ERRORS, isErrorCode, scrub } from "./errors";
export type { OtterStorageErrorCode, ProviderErrorCode, ErrorEntry } from "./errors";
export { CONFIG_KEYS, pulumiHowToSet, settingsFrom } from "./config";
export { ProviderContext, ENV_KEYS, SETTING_NAMES } from "./context";
export type { ProviderConfig, ProviderSettings, ContextOptions } from "./context";
export { RESOURCES, RESOURCE_TYPES } from "./resources";
export { DEFAULT_RETRY_POLICY, nextDelay, parseRetryAfter, policyFromEnv } from "./retry";
export type { RetryPolicy } from "./retry";
export { UNKNOWN } from "./common";
