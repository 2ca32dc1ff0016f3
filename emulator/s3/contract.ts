/**
 * The slice of emulator/store (Store) and emulator/log (Logger) that the S3 data plane relies on
 * (docs/architecture.md). Types only, named after the real ones rather than declared again, so the records the
 * plane reads are the Store's own and a change to them reaches this folder at compile time.
 */
import type { Store } from "../store";

export type { BucketRecord, CredentialRecord } from "../store/records";
export type { Logger as LoggerLike, RequestLogEntry as RequestLogEntryLike } from "../log";

export type StoreLike = Pick<Store, "db" | "dataDir" | "clock" | "getBucket" | "updateBucket" | "setDefaultRetention" | "resolveCredential" | "noteKeyUsed" | "migrate">;
