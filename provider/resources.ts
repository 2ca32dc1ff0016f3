/**
 * Every resource with a field table, in schema.json order (provider/schema.ts, provider/codegen.ts), and the one
 * exported description of their type tokens and secret outputs, derived from the tables: the SDK's
 * additionalSecretOutputs, the native plugin's secret marking and the policy pack all read it.
 */
import { dynamicToken, nativeToken, type TypeName } from "otterstorage-api";
import { ACCESS_KEY } from "./accessKeyFields";
import { BUCKET } from "./bucketFields";
import type { ResourceFields } from "./fields";

export const RESOURCES: ResourceFields[] = [BUCKET, ACCESS_KEY];

export interface ResourceType {
  /** `otterstorage:index:<Type>`: the native plugin's token (schema.json). */
  native: string;
  /** `pulumi-nodejs:dynamic/otterstorage:<Type>`: what the dynamic provider registers. */
  dynamic: string;
  /** Outputs that are always secret: secret output-only properties and secret inputs the outputs keep. */
  secretOutputs: readonly string[];
  /** Inputs that are always secret. */
  secretInputs: readonly string[];
}

function typeOf(r: ResourceFields): ResourceType {
  const name = r.name as TypeName;
  return {
    native: nativeToken(name),
    dynamic: dynamicToken(name),
    secretOutputs: [
      ...Object.entries(r.outputs).filter(([, o]) => o.secret).map(([k]) => k),
      ...Object.entries(r.inputs).filter(([, i]) => i.secret && i.output !== false).map(([k]) => k),
    ],
    secretInputs: Object.entries(r.inputs).filter(([, i]) => i.secret).map(([k]) => k),
  };
}

export const RESOURCE_TYPES = {
  Bucket: typeOf(BUCKET),
  AccessKey: typeOf(ACCESS_KEY),
} as const satisfies Record<string, ResourceType>;
