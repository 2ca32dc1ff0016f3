/**
 * Data sources: `otterstorage_bucket` (a bucket by name, as the resource reports it) and `otterstorage_access_keys`
 * (a bucket's active keys for audits: ids, labels, creation and last use — never secrets, which the service does not
 * show again anyway).
 */
import type { ProviderContext } from "./core";
import { BUCKET_CORE } from "./core";
import { errorDiagnostic, type Diagnostic } from "./diagnostics";
import { ACCESS_KEYS_DATA_BLOCK, BUCKET_DATA_BLOCK, type TfBlock } from "./schema";
import { conformObject, objectFromCore, type StateAnswer } from "./resources";
import type { TfValue } from "./values";

type Obj = Record<string, TfValue>;

export interface DataSourceType {
  block: TfBlock;
  read(ctx: ProviderContext, config: Obj): Promise<StateAnswer>;
}

const notFound = (what: string, detail: string): Diagnostic => ({ severity: "ERROR", summary: `${what} not found`, detail });

export const BUCKET_DATA: DataSourceType = {
  block: BUCKET_DATA_BLOCK,
  async read(ctx, config) {
    const name = String(config.name ?? "");
    try {
      const r = await BUCKET_CORE.read(ctx, name, { name });
      if (!r.id) return { state: null, diagnostics: [notFound("Bucket", `There is no bucket named "${name}" (names are unique across OtterStorage).`)] };
      return { state: conformObject(BUCKET_DATA_BLOCK.attributes, { ...objectFromCore(BUCKET_DATA_BLOCK.attributes, r.props ?? {}), id: r.id }), diagnostics: [] };
    } catch (e) {
      return { state: null, diagnostics: [errorDiagnostic(e, "Cannot read otterstorage_bucket")] };
    }
  },
};

export const ACCESS_KEYS_DATA: DataSourceType = {
  block: ACCESS_KEYS_DATA_BLOCK,
  async read(ctx, config) {
    const bucket = String(config.bucket ?? "");
    try {
      const client = ctx.client();
      const keys: Record<string, unknown>[] = [];
      let cursor: string | undefined;
      do {
        const page = (await client.listAccessKeys(bucket, cursor)).data;
        keys.push(...page.accessKeys);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      keys.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
      return { state: conformObject(ACCESS_KEYS_DATA_BLOCK.attributes, objectFromCore(ACCESS_KEYS_DATA_BLOCK.attributes, { id: bucket, bucket, accessKeys: keys })), diagnostics: [] };
    } catch (e) {
      return { state: null, diagnostics: [errorDiagnostic(e, "Cannot read otterstorage_access_keys")] };
    }
  },
};

export const DATA_SOURCE_TYPES: Record<string, DataSourceType> = {
  [BUCKET_DATA_BLOCK.typeName]: BUCKET_DATA,
  [ACCESS_KEYS_DATA_BLOCK.typeName]: ACCESS_KEYS_DATA,
};
