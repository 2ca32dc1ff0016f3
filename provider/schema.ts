/**
 * Builds the Pulumi package schema (schema.json at the repo root) from the api/ zod schemas and the provider's
 * field tables, so the two cannot drift: `node dist/provider/schema.js --write` regenerates it, and
 * tests/provider-schema.test.ts checks the committed file against this builder and against the SDK.
 * Resource tokens are the package-schema form `otterstorage:index:<Type>`; at run time the dynamic resources
 * register as `pulumi-nodejs:dynamic/otterstorage:<Type>`.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import * as api from "otterstorage-api";

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

const BUCKET_DESCRIPTIONS: Record<string, string> = {
  name: "Bucket name, unique across OtterStorage (S3 DNS rules). Default: `<logical name>-<7 random lowercase letters>`, chosen once and kept. A change replaces the bucket (refused while it holds objects unless forceDestroy is already true).",
  region: "Region. Default: the `otterstorage:region` config, else eu-mad. A change replaces the bucket.",
  storageClass: "Disk class; sets the storage price. Default HDD. Changed in place.",
  versioning: "Object versioning (Enabled or Suspended). Default: unversioned. Changed in place.",
  objectLock: "Default object-lock retention; only at creation (turns versioning on). A change replaces the bucket (refused while it holds objects).",
  legalHold: "While true the bucket cannot be deleted and no keys can be issued. Default false. Changed in place.",
  lifecycleRules: "Lifecycle rules (expiry of objects, noncurrent versions, incomplete uploads). Default []. Changed in place.",
  tags: "Free-form tags, e.g. environment=production. Default {}. Changed in place.",
  forceDestroy: "Delete every object when the bucket is deleted or replaced. Default false: deleting a non-empty bucket fails with a clear message. Provider-side only, changed in place.",
  endpoint: "The S3 endpoint (path-style) for this bucket.",
  createdAt: "RFC 3339 creation time.",
};

const KEY_DESCRIPTIONS: Record<string, string> = {
  bucket: "The bucket the key is for (keys are isolated per bucket). A change issues a new key.",
  label: "What the key is for, e.g. backups-restic or ci-deploy (1–64 characters). Changed in place.",
  rotationTrigger: "Any string or number; a change rotates the key: the new key is issued before the old one is revoked (create-before-delete).",
  rotateAfterDays: "Rotate by age: when the key is at least this many whole days old on the service clock at preview/up time, it is replaced (create-before-delete). 1 to 3650. Changed in place.",
  readiness: "Create returns only once the S3 endpoint accepts the new key (signed HeadBucket with backoff). Default { timeoutSeconds: 60 }; disabled: true skips it. Changed in place.",
  adopt: "Manage an existing key instead of issuing one (the supported alternative to pulumi import): its accessKeyId and secretAccessKey, verified against the service. A different accessKeyId replaces the key.",
  profileName: "Profile / rclone remote name used by the SDK's awsProfile and rcloneRemote outputs. Default otter. Changed in place.",
  accessKeyId: "The access key id; also the resource id.",
  secretAccessKey: "The secret key. Always a stack secret; OtterStorage never shows it again.",
  endpoint: "The S3 endpoint to use the key with.",
  region: "The region of the key's bucket.",
  createdAt: "RFC 3339 creation time.",
  adopted: "True when the key was brought under management with adopt (then an omitted label leaves the key's own label as it is).",
};

const withDescription = (spec: Spec, d: string | undefined): Spec => (d ? { ...spec, description: d } : spec);

export function buildPackageSchema(): Spec {
  const types: Record<string, Spec> = {};
  const create = json(api.CreateBucketRequest, "input");
  const live = json(api.Bucket, "output");
  const enumName: Record<string, string> = { storageClass: "StorageClass", versioning: "VersioningStatus", objectLock: "ObjectLock", lifecycleRules: "LifecycleRule", tags: "Tags", name: "Name", region: "Region", legalHold: "LegalHold" };

  const bucketInputs: Record<string, Spec> = {};
  for (const [k, v] of Object.entries<Record<string, any>>(create.properties)) bucketInputs[k] = withDescription(convert(v, enumName[k] ?? k, types), BUCKET_DESCRIPTIONS[k]);
  bucketInputs.forceDestroy = { type: "boolean", description: BUCKET_DESCRIPTIONS.forceDestroy };
  const bucketOutputs: Record<string, Spec> = { ...bucketInputs };
  bucketOutputs.versioning = withDescription(convert(live.properties.versioning, "BucketVersioning", types), "Unversioned, Enabled or Suspended.");
  bucketOutputs.objectLock = { ...bucketInputs.objectLock };
  for (const k of ["endpoint", "createdAt"]) bucketOutputs[k] = { type: "string", description: BUCKET_DESCRIPTIONS[k] };

  const keyInputs: Record<string, Spec> = {
    bucket: { type: "string", description: KEY_DESCRIPTIONS.bucket },
    label: withDescription(convert(json(api.AccessKeyLabel, "input"), "Label", types), KEY_DESCRIPTIONS.label),
    rotationTrigger: { oneOf: [{ type: "string" }, { type: "number" }], description: KEY_DESCRIPTIONS.rotationTrigger },
    rotateAfterDays: { type: "integer", description: KEY_DESCRIPTIONS.rotateAfterDays },
    readiness: { $ref: `#/types/${tok("Readiness")}`, description: KEY_DESCRIPTIONS.readiness },
    adopt: { $ref: `#/types/${tok("Adopt")}`, secret: true, description: KEY_DESCRIPTIONS.adopt },
    profileName: { type: "string", description: KEY_DESCRIPTIONS.profileName },
  };
  types[tok("Readiness")] = {
    type: "object",
    properties: {
      timeoutSeconds: { type: "integer", description: "Give up waiting after this many seconds (1 to 3600). Default 60." },
      disabled: { type: "boolean", description: "Skip the probe, e.g. when the S3 endpoint is unreachable from where Pulumi runs. Default false." },
    },
    required: [],
  };
  types[tok("Adopt")] = {
    type: "object",
    properties: {
      accessKeyId: { type: "string", description: "The existing key's id, e.g. OTTR4XMPL7KEY9QZ2A0B." },
      secretAccessKey: { type: "string", description: "The existing key's secret (pass it as a secret)." },
    },
    required: ["accessKeyId", "secretAccessKey"],
  };
  // adopt is input-only: its secret becomes secretAccessKey.
  const { adopt: _adopt, ...keyInputOutputs } = keyInputs;
  const keyOutputs: Record<string, Spec> = {
    accessKeyId: { type: "string", description: KEY_DESCRIPTIONS.accessKeyId },
    secretAccessKey: { type: "string", secret: true, description: KEY_DESCRIPTIONS.secretAccessKey },
    ...keyInputOutputs,
    endpoint: { type: "string", description: KEY_DESCRIPTIONS.endpoint },
    region: { type: "string", description: KEY_DESCRIPTIONS.region },
    createdAt: { type: "string", description: KEY_DESCRIPTIONS.createdAt },
    adopted: { type: "boolean", description: KEY_DESCRIPTIONS.adopted },
  };

  return {
    name: PKG,
    displayName: "OtterStorage",
    version: "0.1.0",
    description: "OtterStorage buckets and per-bucket access keys (a Pulumi dynamic provider: pulumi-nodejs:dynamic/otterstorage:<Type>).",
    keywords: ["pulumi", "otterstorage", "s3", "storage", "category/cloud"],
    license: "Apache-2.0",
    repository: "https://github.com/otterstorage/pulumi-otterstorage",
    config: {
      variables: {
        endpoint: { type: "string", description: "Control API URL. Environment fallback: OTTERSTORAGE_ENDPOINT." },
        token: { type: "string", secret: true, description: "Account token (set with `pulumi config set --secret otterstorage:token`). Environment fallback: OTTERSTORAGE_TOKEN." },
        s3Endpoint: { type: "string", description: "Overrides the endpoint output of buckets and keys. Environment fallback: OTTERSTORAGE_S3_ENDPOINT." },
        region: { type: "string", description: `Default region for new buckets (default ${api.DEFAULT_REGION}). Environment fallback: OTTERSTORAGE_REGION.` },
      },
      defaults: [],
    },
    types: Object.fromEntries(Object.entries(types).filter(([, t]) => t.enum || t.properties).sort(([a], [b]) => a.localeCompare(b))),
    resources: {
      [tok("Bucket")]: {
        description: "An OtterStorage bucket. Resource id = bucket name. Registered as pulumi-nodejs:dynamic/otterstorage:Bucket.",
        inputProperties: bucketInputs,
        requiredInputs: [],
        properties: bucketOutputs,
        required: ["name", "region", "storageClass", "versioning", "legalHold", "lifecycleRules", "tags", "forceDestroy", "endpoint", "createdAt"],
      },
      [tok("AccessKey")]: {
        description: "A labelled access key for one bucket. Resource id = accessKeyId. Registered as pulumi-nodejs:dynamic/otterstorage:AccessKey.",
        inputProperties: keyInputs,
        requiredInputs: ["bucket"],
        properties: keyOutputs,
        required: ["accessKeyId", "secretAccessKey", "bucket", "endpoint", "region", "createdAt"],
      },
    },
  };
}

export const SCHEMA_PATH = path.resolve(__dirname, "..", "..", "schema.json");
export const renderSchema = (): string => JSON.stringify(buildPackageSchema(), null, 2) + "\n";

if (require.main === module && process.argv.includes("--write")) {
  fs.writeFileSync(SCHEMA_PATH, renderSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
