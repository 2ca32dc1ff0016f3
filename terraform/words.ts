/**
 * The shared core's texts (field descriptions, error messages) are written for Pulumi users first; these
 * replacements say the same the OpenTofu way — commands, and field names in snake_case — for the schema's
 * descriptions, the docs and the diagnostics.
 */
import { ACCESS_KEY } from "../provider/accessKeyFields";
import { BUCKET } from "../provider/bucketFields";
import { namesOf, snake } from "./names";

const PHRASES: [RegExp, string][] = [
  [/`pulumi config set --secret otterstorage:token <token>`/g, "the `token` argument of the provider block"],
  [/`pulumi config set otterstorage:endpoint <url>`/g, "the `endpoint` argument of the provider block"],
  [/`otterstorage:(endpoint|token|region)`/g, "the provider's `$1`"],
  [/`otterstorage:s3Endpoint`/g, "the provider's `s3_endpoint`"],
  [/otterstorage:s3Endpoint/g, "s3_endpoint"],
  [/`pulumi up --replace <urn>`/g, "`tofu apply -replace=<address>`"],
  [/`pulumi up --parallel`/g, "`tofu apply -parallelism=<n>`"],
  [/`?pulumi up`?/g, "`tofu apply`"],
  [/`?pulumi refresh`?/g, "`tofu apply -refresh-only`"],
  [/`?pulumi preview`?/g, "`tofu plan`"],
  [/preview\/up/g, "plan/apply"],
  [/the stack state/g, "the state"],
  [/this stack/g, "this configuration"],
  [/`(\w+): (true|false)`/g, "`$1 = $2`"],
  [/`(\w+): \{ (\w+): (true|false|\d+) \}`/g, "`$1 = { $2 = $3 }`"],
  [/\b(on|of|to|from) this AccessKey\b/g, "$1 this otterstorage_access_key"],
  [/\bDeclare an AccessKey with `adopt: \{ (\w+), (\w+) \}`/g, "Declare an otterstorage_access_key with `adopt = { $1 = …, $2 = … }`"],
  [/\b(outside|than) Pulumi\b/g, "$1 OpenTofu"],
  [/\bthe stack\b/g, "the state"],
  // A key created but not ready is kept tainted by OpenTofu: the next apply replaces it rather than re-checking it.
  [/([Rr])un `tofu apply` again to re-check it/g, "$1un `tofu apply` again: OpenTofu keeps the key tainted and replaces it"],
  [/\b(on|of|to) the Bucket\b/g, "$1 the otterstorage_bucket"],
  [/Always a stack secret; /g, "Sensitive; "],
  [/the supported alternative to pulumi import/g, "how to manage an existing key together with its secret, which `tofu import` cannot recover"],
  [/where Pulumi runs/g, "where OpenTofu runs"],
  [/(\w+): true skips it/g, "$1 = true skips it"],
];

const FIELD_NAMES = new RegExp(`\\b(${[...new Set([...namesOf(BUCKET), ...namesOf(ACCESS_KEY)])].sort((a, b) => b.length - a.length).join("|")})\\b`, "g");

export function tofuWords(text: string): string {
  const out = PHRASES.reduce((s, [re, to]) => s.replace(re, to), text);
  // The tables' camelCase field names (forceDestroy, adopt.accessKeyId, readiness.timeoutSeconds) → snake_case.
  return out.replace(FIELD_NAMES, (m) => snake(m));
}
