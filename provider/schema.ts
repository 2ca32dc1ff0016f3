/**
 * Builds the Pulumi package schema (schema.json at the repo root) from the resources' field tables
 * (provider/bucketFields.ts, provider/accessKeyFields.ts) and the api/ zod schemas they use, so nothing restates
 * them: `npm run schema` regenerates it — and, through provider/codegen.ts, sdk/generated.ts and the generated parts
 * of docs/resources.md — and tests/provider-schema.test.ts checks the committed files against these builders.
 * It is the package schema of the native plugin `pulumi-resource-otterstorage` (served by its GetSchema) and the input
 * of the generated SDKs under sdks/ (tools/pulumi-gen-otterstorage, `npm run sdks`; docs/native-sdks.md). Resource
 * tokens are `otterstorage:index:<Type>`, what the plugin serves; the dynamic provider's resources register the same
 * types as `pulumi-nodejs:dynamic/otterstorage:<Type>`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import * as api from "otterstorage-api";
import { inputDescription, type ResourceFields } from "./fields";

import { RESOURCES } from "./resources";

export { RESOURCES };

type Spec = Record<string, unknown>;
const PKG = "otterstorage";
const tok = (name: string) => `${PKG}:index:${name}`;
const ref = (name: string) => ({ $ref: `#/types/${tok(name)}` });

function json(schema: z.ZodType, io: "input" | "output"): Record<string, any> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, any>;
  delete out.$schema;
  return out;
}

/** zod JSON Schema → Pulumi property spec; enums and objects become named types in `types`. */
function convert(js: Record<string, any>, name: string, types: Record<string, Spec>): Spec {
  const description = js.description ? { description: js.description } : {};
  if (Array.isArray(js.enum)) {
    types[tok(name)] = { type: "string", enum: js.enum.map((value: string) => ({ value })), ...description };
    return ref(name);
  }
  // zod writes a union of scalars as `type: [..]` and `T | null` (a nullable output) as anyOf [T, null] or
  // `type: [T, "null"]`; schema.json says "may be absent" through `required`, so null is dropped here.
  if (Array.isArray(js.type)) {
    const ts = js.type.filter((t: string) => t !== "null");
    if (ts.length === 1) return convert({ ...js, type: ts[0] }, name, types);
    return { oneOf: ts.map((type: string) => ({ type })), ...description };
  }
  if (Array.isArray(js.anyOf)) {
    const options = js.anyOf.filter((o: Record<string, any>) => o.type !== "null");
    if (options.length === 1) return convert({ ...options[0], ...(js.description ? { description: js.description } : {}) }, name, types);
    if (options.every((o: Record<string, any>) => ["string", "number", "integer", "boolean"].includes(o.type))) {
      return { oneOf: options.map((o: Record<string, any>) => ({ type: o.type })), ...description };
    }
  }
  if (js.type === "array") return { type: "array", items: convert(js.items, name, types), ...description };
  if (js.type === "object" && js.properties) {
    const properties: Record<string, Spec> = {};
    for (const [k, v] of Object.entries<Record<string, any>>(js.properties)) properties[k] = convert(v, name + k[0].toUpperCase() + k.slice(1), types);
    types[tok(name)] = { type: "object", properties, required: js.required ?? [], ...description };
    return ref(name);
  }
  if (js.type === "object") return { type: "object", additionalProperties: convert(js.additionalProperties ?? { type: "string" }, name, types), ...description };
  if (js.type === "integer" || js.type === "number" || js.type === "boolean" || js.type === "string") return { type: js.type, ...description };
  return { $ref: "pulumi.json#/Any", ...description };
}

const withDescription = (spec: Spec, d: string | undefined): Spec => (d ? { ...spec, description: d } : spec);
const capitalised = (k: string) => k[0].toUpperCase() + k.slice(1);

/** A field table → the resource's schema.json entry (named enum/object types go into `types`). */
export function resourceSpec(r: ResourceFields, types: Record<string, Spec>): Spec {
  const inputProperties: Record<string, Spec> = {};
  const properties: Record<string, Spec> = {};
  const required: string[] = [];
  const nullable = (s: z.ZodType) => s.safeParse(null).success;
  for (const [k, f] of Object.entries(r.inputs)) {
    const spec = withDescription(convert(json(f.schema, "input"), f.typeName ?? capitalised(k), types), inputDescription(r, f));
    inputProperties[k] = f.secret ? { ...spec, secret: true } : spec;
    if (f.output === false) continue;
    const o = f.output;
    const out = o.from === "service" ? convert(json(o.schema, "input"), o.typeName ?? f.typeName ?? capitalised(k), types) : { ...spec };
    properties[k] = withDescription(out, o.description ?? inputDescription(r, f));
    if ((o.from === "service" && !nullable(o.schema)) || (o.from === "inputs" && f.default !== undefined)) required.push(k);
  }
  for (const [k, o] of Object.entries(r.outputs)) {
    const spec = withDescription(convert(json(o.schema, "output"), o.typeName ?? capitalised(k), types), o.description);
    properties[k] = o.secret ? { ...spec, secret: true } : spec;
    if (!o.optional && !nullable(o.schema)) required.push(k);
  }
  return {
    description: r.description,
    inputProperties,
    requiredInputs: Object.entries(r.inputs).filter(([, f]) => f.required).map(([k]) => k),
    properties,
    required,
  };
}

const secret = (spec: Spec): Spec => ({ ...spec, secret: true });
const str = (description: string): Spec => ({ type: "string", description });
const int = (description: string): Spec => ({ type: "integer", description });

/**
 * The provider's configuration: stack config `otterstorage:<key>` for the default provider, the arguments of an
 * explicit `Provider` resource. The same four keys in both (provider/config.ts reads them).
 */
function configSpec(): Record<string, Spec> {
  return {
    endpoint: str("Control API URL. Environment fallback: OTTERSTORAGE_ENDPOINT."),
    token: secret(str("Account token (stack config: `pulumi config set --secret otterstorage:token …`). Environment fallback: OTTERSTORAGE_TOKEN.")),
    s3Endpoint: str("Overrides the endpoint output of buckets and keys. Environment fallback: OTTERSTORAGE_S3_ENDPOINT."),
    region: str(`Default region for new buckets (default ${api.DEFAULT_REGION}). Environment fallback: OTTERSTORAGE_REGION.`),
  };
}

/**
 * Object types of the component and the function (their shapes are the TypeScript interfaces of otterstorage-api's
 * forms.ts and sdk/rotatingAccessKey.ts, which have no zod schema to convert).
 */
function credentialTypes(): Record<string, Spec> {
  const object = (description: string, properties: Record<string, Spec>, required = Object.keys(properties)): Spec => ({ type: "object", description, properties, required });
  return {
    [tok("AwsProfile")]: object("An AWS CLI profile (Option A of the OtterStorage guide \"Configure access keys\").", {
      name: str("The profile name, e.g. otter (`aws --profile otter …`)."),
      credentials: str("A section for ~/.aws/credentials."),
      config: str("A section for ~/.aws/config, with endpoint_url, so no --endpoint-url is needed."),
    }),
    [tok("S3ClientConfig")]: object("A configuration for an S3 client (e.g. `new S3Client(config)` of @aws-sdk/client-s3): path-style, the endpoint and the credentials.", {
      endpoint: str("The S3 endpoint."),
      region: str("The region."),
      forcePathStyle: { type: "boolean", description: "Always true: OtterStorage serves path-style requests." },
      credentials: { ...ref("S3ClientConfigCredentials"), description: "The key (and, for temporary credentials, the session token)." },
    }),
    [tok("S3ClientConfigCredentials")]: object(
      "Credentials of an S3ClientConfig.",
      { accessKeyId: str("The access key id."), secretAccessKey: str("The secret key."), sessionToken: str("Temporary credentials only.") },
      ["accessKeyId", "secretAccessKey"],
    ),
    [tok("SlotCredentials")]: object("One slot's key of a RotatingAccessKey, as handed to clients.", {
      slot: str("The slot, a or b."),
      accessKeyId: str("The access key id."),
      secretAccessKey: str("The secret key."),
      bucket: str("The bucket the key is for."),
      endpoint: str("The S3 endpoint to use the key with."),
      region: str("The region of the key's bucket."),
      createdAt: str("RFC 3339 creation time."),
    }),
  };
}

/** The ready-to-use forms of a key (otterstorage-api forms.ts): each holds the secret, so each is a secret. */
const readyToUseOutputs = (of: string): Record<string, Spec> => ({
  environment: secret({ type: "object", additionalProperties: { type: "string" }, description: `AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL${of === "temporary credentials" ? ", AWS_SESSION_TOKEN" : ""} of ${of} (Option B of the OtterStorage guide "Configure access keys").` }),
  s3ClientConfig: secret({ ...ref("S3ClientConfig"), description: `An S3 client configuration for ${of}.` }),
});

/**
 * RotatingAccessKey in the native plugin: one resource whose state holds both slots (provider/rotatingAccessKey.ts;
 * the dynamic SDK builds the same guarantee as a component, sdk/rotatingAccessKey.ts). Its inputs are the
 * component's arguments.
 */
function rotatingAccessKeySpec(): Spec {
  return {
    description:
      "Two access keys for one bucket with overlap: `current` (the newest) and `previous` (valid until the next rotation). Each rotation replaces only the slot that becomes current (its new key is issued before its old key is revoked), so one `up` never replaces both keys. docs/rotation.md has the runbook.",
    inputProperties: {
      bucket: str("The bucket the keys are for."),
      label: str("Label of both keys; the slots get /a and /b appended (so keep it at most 62 characters). Default: none."),
      rotationTrigger: int("A counter: bump it to rotate (the slot that becomes current gets a new key; the other keeps working). Any change is one rotation per `pulumi up`, even a jump by several. Default: 0."),
      rotateAfterDays: int("Rotate every this many days (1 to 3650), counted in whole periods since rotationAnchor on the service clock. Each key then lives two periods: one as current, one as previous. Default: none (rotate only by trigger)."),
      rotationAnchor: str("RFC 3339 start of the age periods; set it to the day you add rotateAfterDays. Default: 1970-01-01T00:00:00Z."),
      retirePrevious: {
        oneOf: [{ type: "boolean" }, { type: "integer" }],
        description:
          "Revoke the previous key early, once clients are verified on the current one. true: always (no overlap at the next rotation either; turn it off before rotating); a number: only while the generation equals it, so the next rotation has its overlap again. Default: false.",
      },
      readiness: { ...ref("Readiness"), description: "Readiness of each new key (see AccessKey). Default: `{ timeoutSeconds: 60 }`." },
      profileName: str("Profile / rclone remote name in the ready-to-use outputs. Default: otter."),
    },
    requiredInputs: ["bucket"],
    properties: {
      generation: int("The slots' generation: follows the schedule (rotationTrigger + age periods) one step per `up`; retirePrevious: <n> compares with this value."),
      currentSlot: str("The slot holding the newest key, a or b."),
      current: secret({ ...ref("SlotCredentials"), description: "The newest key: hand this to clients." }),
      previous: secret({ ...ref("SlotCredentials"), description: "The key before it, valid until the next rotation; absent once retired." }),
      ...readyToUseOutputs("the current key"),
      awsProfile: secret({ ...ref("AwsProfile"), description: "An AWS CLI profile of the current key." }),
      rcloneRemote: secret(str("An rclone.conf remote section of the current key.")),
    },
    required: ["generation", "currentSlot", "current", "environment", "s3ClientConfig", "awsProfile", "rcloneRemote"],
  };
}

/** getTemporaryCredentials (sdk/temporaryCredentials.ts): an invoke, so fresh credentials each run, never state. */
function temporaryCredentialsSpec(): Spec {
  return {
    description:
      "Issues bucket-scoped, expiring credentials (POST /v1/buckets/{bucket}/temporary-credentials), for example to hand a CI job for one run. Every run, preview included, issues a fresh set; they are never stored as resource state and simply expire.",
    inputs: {
      properties: {
        bucket: str("The bucket the credentials are for (an existing bucket's name)."),
        durationSeconds: int(`Lifetime in seconds, ${api.TEMP_CREDENTIALS_MIN_SECONDS} to ${api.TEMP_CREDENTIALS_MAX_SECONDS}. Default: 3600.`),
      },
      required: ["bucket"],
    },
    outputs: {
      properties: {
        accessKeyId: str("The temporary access key id."),
        secretAccessKey: secret(str("The temporary secret key.")),
        sessionToken: secret(str("The session token (AWS_SESSION_TOKEN).")),
        bucket: str("The bucket the credentials are for."),
        endpoint: str("The S3 endpoint."),
        region: str("The bucket's region."),
        expiresAt: str("RFC 3339 expiry on the service clock."),
        ...readyToUseOutputs("temporary credentials"),
      },
      required: ["accessKeyId", "secretAccessKey", "sessionToken", "bucket", "endpoint", "region", "expiresAt", "environment", "s3ClientConfig"],
    },
  };
}

/**
 * Package names of the generated SDKs (sdks/, written by tools/pulumi-gen-otterstorage; docs/native-sdks.md). The
 * Node package is scoped so it never clashes with this repository's dynamic-provider package, pulumi-otterstorage.
 */
export const SDK_NAMES = {
  nodejs: "@otterstorage/pulumi",
  python: "pulumi_otterstorage",
  goModule: "github.com/otterstorage/pulumi-otterstorage/sdks/go",
} as const;

const packageVersion = (): string => JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")).version;

export function buildPackageSchema(): Spec {
  const types: Record<string, Spec> = {};
  const resources: Record<string, Spec> = Object.fromEntries(RESOURCES.map((r) => [tok(r.name), resourceSpec(r, types)]));
  resources[tok("RotatingAccessKey")] = rotatingAccessKeySpec();
  const config = configSpec();
  return {
    name: PKG,
    displayName: "OtterStorage",
    version: packageVersion(),
    description: "OtterStorage buckets and per-bucket access keys.",
    keywords: ["pulumi", "otterstorage", "s3", "storage", "category/cloud", "kind/native"],
    license: "Apache-2.0",
    publisher: "OtterStorage",
    repository: "https://github.com/otterstorage/pulumi-otterstorage",
    // supportPack: each generated SDK is a complete package of its own (the Go SDK gets its go.mod, the Python SDK
    // its pyproject.toml version, the Node SDK its package.json version) with the schema's version.
    meta: { moduleFormat: "(.*)", supportPack: true },
    config: { variables: config, defaults: [] },
    provider: {
      description: "The provider: one OtterStorage account. Create explicit instances to use several accounts in one program; without one, resources use the stack's `otterstorage:*` config.",
      inputProperties: config,
      properties: config,
    },
    types: Object.fromEntries(
      Object.entries({ ...types, ...credentialTypes() }).filter(([, t]) => t.enum || t.properties).sort(([a], [b]) => a.localeCompare(b)),
    ),
    resources,
    functions: { [tok("getTemporaryCredentials")]: temporaryCredentialsSpec() },
    language: {
      nodejs: {
        packageName: SDK_NAMES.nodejs,
        packageDescription: "OtterStorage buckets and access keys through the native otterstorage plugin (for explicit providers and `pulumi import`; the dynamic-provider package is pulumi-otterstorage).",
        respectSchemaVersion: true,
      },
      python: {
        packageName: SDK_NAMES.python,
        pyproject: { enabled: true },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: `${SDK_NAMES.goModule}/otterstorage`,
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
    },
  };
}

export const SCHEMA_PATH = path.resolve(__dirname, "..", "..", "schema.json");
export const renderSchema = (): string => JSON.stringify(buildPackageSchema(), null, 2) + "\n";

if (require.main === module && process.argv.includes("--write")) {
  fs.writeFileSync(SCHEMA_PATH, renderSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
  // The other generated files: sdk/generated.ts and docs/resources.md from the tables, README's reference from
  // schema.json (scripts/gen-reference.js). Loaded here, not at the top: only `--write` needs it.
  void import("./codegen").then(({ writeGenerated }) => {
    for (const f of writeGenerated()) console.log(`wrote ${f}`);
    const r = spawnSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "gen-reference.js")], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
    console.log("wrote README.md (reference)");
  });
}
