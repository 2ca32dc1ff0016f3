/**
 * Property values on the wire of pulumirpc (google.protobuf.Struct), as the engine sends them to a provider that
 * accepts secrets: a secret is the object `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
 * value }` (sdk/go/common/resource/sig in github.com/pulumi/pulumi), and a value unknown at preview is the string
 * provider/common.ts UNKNOWN. The core works on plain values; this module takes secrets off on the way in,
 * remembering which top-level properties held one, and puts them back on the way out. Because the plugin accepts
 * secrets the engine does not re-mark its outputs (pkg/resource/plugin/provider_plugin.go): whatever must stay
 * secret is wrapped here.
 */
// google-protobuf's well-known types ship as CommonJS without typings; require() is how they are loaded.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structproto = require("google-protobuf/google/protobuf/struct_pb");

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export type Props = Record<string, unknown>;

export interface Received {
  /** The properties with every secret replaced by its value. */
  props: Props;
  /** Top-level properties that held a secret anywhere inside. */
  secrets: Set<string>;
}

const isSecret = (v: unknown): v is { value: unknown } =>
  !!v && typeof v === "object" && !Array.isArray(v) && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;

function reveal(v: unknown, found: { secret: boolean }): unknown {
  if (isSecret(v)) {
    found.secret = true;
    return reveal(v.value, found);
  }
  if (Array.isArray(v)) return v.map((x) => reveal(x, found));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x, found)]));
  return v;
}

/** A Struct (or nothing) from a request, as plain values plus where the secrets were. */
export function receive(struct: { toJavaScript(): Props } | undefined | null): Received {
  const raw = struct ? struct.toJavaScript() : {};
  const props: Props = {};
  const secrets = new Set<string>();
  for (const [k, v] of Object.entries(raw)) {
    const found = { secret: false };
    props[k] = reveal(v, found);
    if (found.secret) secrets.add(k);
  }
  return { props, secrets };
}

export const secretWire = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value });

/** Plain values to a Struct, the named top-level properties wrapped as secrets; undefined values are left out. */
export function send(props: Props, secrets: Iterable<string> = []): unknown {
  const keep = new Set(secrets);
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    const plain = JSON.parse(JSON.stringify(v)) as unknown;
    out[k] = keep.has(k) && plain !== null ? secretWire(plain) : plain;
  }
  return structproto.Struct.fromJavaScript(out);
}
