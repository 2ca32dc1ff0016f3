/** Object metadata (SQLite) and body files for the S3 data plane. Stub; the real store follows. */
import type { StoreLike } from "./contract";

export class ObjectStore {
  constructor(readonly store: StoreLike) {}
  stats(_bucket: string): { objectCount: number; sizeBytes: number } {
    return { objectCount: 0, sizeBytes: 0 };
  }
  isEmpty(_bucket: string): boolean {
    return true;
  }
  purgeBucket(_bucket: string): void {}
}
