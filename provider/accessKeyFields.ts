/**
 * The AccessKey field table (provider/fields.ts says what each property means and what is derived from it: check,
 * diff's replace/in-place sets, the outputs copied from the inputs, schema.json, the SDK's AccessKeyArgs, README's
 * reference and docs/resources.md). Adding a field: one entry here, `npm run schema`, then its logic (if any) in
 * provider/accessKey.ts. The schemas of the credential inputs are data too (provider/inputSchemas.ts): the table
 * imports no logic module.
 */
import { z } from "zod";
import * as api from "otterstorage-api";
import { DEFAULT_PROFILE_NAME } from "otterstorage-api";
import { asGiven, asReported, defineResource, input, InputsOf, output, OutputsOf, PublicInputsOf } from "./fields";
import { AdoptInput, ProfileName, Readiness, RotateAfterDays } from "./inputSchemas";

export const ACCESS_KEY = defineResource({
  name: "AccessKey",
  description: `A labelled access key for one bucket. Resource id = accessKeyId. Type ${api.nativeToken("AccessKey")} in the native plugin; ${api.dynamicToken("AccessKey")} through the dynamic provider.`,
  replaces: "issues a new key first and then revokes the old one",
  inputs: {
    bucket: input(api.BucketName, {
      description: "The bucket the key is for (keys are isolated per bucket).",
      required: "pass the bucket's name, e.g. `bucket: myBucket.name`",
      change: "replace",
      output: asReported(z.string()),
    }),
    label: input(api.AccessKeyLabel, {
      description: "What the key is for, e.g. backups-restic or ci-deploy (1–64 characters).",
      defaultText: "no label (an adopted key keeps its own)",
      change: "in-place",
      changeNote: "PATCH; every output, the secret included, is kept",
      output: asReported(z.string().nullable()),
    }),
    rotationTrigger: input(z.union([z.string(), z.number().finite()], { error: "must be a string or a number, e.g. \"2026-q3\" or 3" }), {
      description: "Any string or number; a change rotates the key, create-before-delete.",
      defaultText: "none",
      change: "replace",
      output: asGiven(),
    }),
    rotateAfterDays: input(RotateAfterDays, {
      description:
        "Rotate by age: when the key is at least this many whole days old on the service clock at preview/up time, it is replaced (create-before-delete). 1 to 3650.",
      defaultText: "none",
      change: "provider-only",
      changeNote: "the key is replaced on the first preview/up at which it is at least that old on the service clock, read once per run; see docs/rotation.md",
      output: asGiven(),
    }),
    readiness: input(Readiness, {
      description: "Create returns only once the S3 endpoint accepts the new key (signed HeadBucket with backoff); disabled: true skips it.",
      defaultText: "`{ timeoutSeconds: 60 }`",
      change: "provider-only",
      output: asGiven(),
    }),
    adopt: input(AdoptInput, {
      description:
        "Manage an existing key instead of issuing one (the supported alternative to pulumi import): its accessKeyId and secretAccessKey, verified against the service (a key of this bucket, a secret that signs).",
      defaultText: "none (issue a new key)",
      secret: true,
      change: "replace",
      changeNote: "only a different accessKeyId; a different secret for the same id is verified and stored in place",
      output: false,
    }),
    profileName: input(ProfileName, {
      description: "Profile / rclone remote name used by the SDK's awsProfile and rcloneRemote outputs.",
      defaultText: `\`${DEFAULT_PROFILE_NAME}\``,
      change: "provider-only",
      output: asGiven(),
    }),
  },
  outputs: {
    accessKeyId: output(z.string(), { description: "The access key id; also the resource id, e.g. OTTR4XMPL7KEY9QZ2A0B." }),
    secretAccessKey: output(z.string(), { description: "The secret key. Always a stack secret; OtterStorage never shows it again.", secret: true }),
    endpoint: output(z.string(), { description: "The S3 endpoint to use the key with." }),
    region: output(z.string(), { description: "The region of the key's bucket." }),
    createdAt: output(z.string(), { description: "RFC 3339 creation time." }),
    adopted: output(z.boolean(), {
      description: "True when the key was brought under management with adopt (then an omitted label leaves the key's own label as it is).",
      optional: true,
    }),
  },
});

export type AccessKeyInputs = InputsOf<typeof ACCESS_KEY>;
export type AccessKeyArgsShape = PublicInputsOf<typeof ACCESS_KEY>;
export type AccessKeyOutputs = OutputsOf<typeof ACCESS_KEY>;
