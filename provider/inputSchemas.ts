/**
 * The zod schemas of the credential inputs of AccessKey (`adopt`, `readiness`, `profileName`, `rotateAfterDays`).
 * They are data for the field table (provider/accessKeyFields.ts) and imported by the logic that reads those
 * inputs (adopt.ts, credentials.ts, rotation.ts); living here, the table imports no logic module.
 */
import { z } from "zod";
import * as api from "otterstorage-api";

export const AdoptInput = z.strictObject(
  {
    accessKeyId: z.string({ error: "is required: the access key id shown on the bucket's Access keys tab, e.g. OTTR4XMPL7KEY9QZ2A0B" })
      .regex(api.ACCESS_KEY_ID_RE, "must be an access key id like OTTR4XMPL7KEY9QZ2A0B (OTTR + 16 upper-case letters or digits)")
      .meta({ description: "The existing key's id, e.g. OTTR4XMPL7KEY9QZ2A0B." }),
    secretAccessKey: z.string({ error: "is required: the key's secret, passed as a secret (pulumi config set --secret)" })
      .regex(api.SECRET_RE, "must be the key's 40-character secret (letters and digits)")
      .meta({ description: "The existing key's secret (pass it as a secret)." }),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `has unknown field(s) ${(iss as { keys: string[] }).keys.join(", ")}: pass only { accessKeyId, secretAccessKey }`
        : "must be an object { accessKeyId, secretAccessKey }",
  },
);
export type AdoptInput = z.infer<typeof AdoptInput>;

export const Readiness = z.strictObject(
  {
    timeoutSeconds: z.number({ error: "must be a number of seconds, e.g. 120" }).int("must be a whole number of seconds").min(1, "must be at least 1 second").max(3600, "must be at most 3600 seconds")
      .meta({ description: "Give up waiting after this many seconds (1 to 3600). Default 60." }).optional(),
    disabled: z.boolean({ error: "must be true or false" })
      .meta({ description: "Skip the probe, e.g. when the S3 endpoint is unreachable from where Pulumi runs. Default false." }).optional(),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `has unknown field(s) ${(iss as { keys: string[] }).keys.join(", ")}: use { timeoutSeconds?, disabled? }`
        : "must be an object { timeoutSeconds?, disabled? }",
  },
);
/** `readiness` as a program passes it. */
export type ReadinessInput = z.input<typeof Readiness>;

export const ProfileName = z
  .string({ error: "must be a string, e.g. \"otter\"" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "use 1–64 letters, digits, '_', '.' or '-', starting with a letter or digit, e.g. \"otter\"");

export const MAX_ROTATE_AFTER_DAYS = 3650;

export const RotateAfterDays = z
  .number({ error: "must be a number of days (a whole number, not a string), e.g. 90" })
  .int("must be a whole number of days, e.g. 90 (fractions are not allowed)")
  .min(1, "must be at least 1 (day); omit it to rotate only when rotationTrigger changes")
  .max(MAX_ROTATE_AFTER_DAYS, `must be at most ${MAX_ROTATE_AFTER_DAYS} days`);
