/** Every resource with a field table, in schema.json order (provider/schema.ts, provider/codegen.ts). */
import { ACCESS_KEY } from "./accessKeyFields";
import { BUCKET } from "./bucketFields";
import type { ResourceFields } from "./fields";

export const RESOURCES: ResourceFields[] = [BUCKET, ACCESS_KEY];
