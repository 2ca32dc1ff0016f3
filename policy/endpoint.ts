/**
 * Credentials and objects travel over https, except to a loopback address (Local OtterStorage).
 *
 * What a policy can see: the provider's control-API endpoint is stack config (`otterstorage:endpoint`) or an
 * environment variable, and neither reaches a policy pack. What does reach it is the `endpoint` output of every
 * Bucket and AccessKey, the S3 endpoint the provider got from that service, recorded in state. So this is a stack
 * policy over outputs. It sees resources already in state during preview and every resource at the end of `up`;
 * in the very first preview of a new stack the endpoints are not known yet, so nothing is checked then.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "./config";
import { knownString } from "./props";
import { isOtterStorageType } from "./tokens";

const ENDPOINT_PROPS = ["endpoint", "s3Endpoint", "controlEndpoint"];
const DEFAULTS = { allowedInsecureHosts: ["localhost", "127.0.0.1", "::1"] };
const SCHEMA = {
  allowedInsecureHosts: {
    type: "array" as const,
    items: { type: "string" as const },
    default: DEFAULTS.allowedInsecureHosts,
    description: "Hosts allowed over plain http besides 127.0.0.0/8. Add only hosts whose traffic never leaves the machine.",
  },
};

/** Why `url` is not acceptable, or undefined when it is. */
export function insecureEndpointReason(url: string, allowedInsecureHosts: string[]): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  if (u.protocol === "https:") return undefined;
  if (u.protocol !== "http:") return `"${url}" uses ${u.protocol}, not https`;
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (/^127(\.\d{1,3}){3}$/.test(host) || allowedInsecureHosts.map((h) => h.replace(/^\[|\]$/g, "").toLowerCase()).includes(host)) return undefined;
  return `"${url}" is plain http to ${host}, which is not a loopback address`;
}

function check(type: string, name: string, props: Record<string, any>, allowed: string[], report: (msg: string) => void) {
  if (!isOtterStorageType(type)) return;
  for (const p of ENDPOINT_PROPS) {
    const url = knownString(props, p);
    const why = url === undefined ? undefined : insecureEndpointReason(url, allowed);
    if (why) report(`"${name}" ${p}: ${why}. Point otterstorage:endpoint / OTTERSTORAGE_ENDPOINT at an https URL; access keys and objects must not cross the network in clear text.`);
  }
}

export const endpointHttps: StackValidationPolicy = {
  name: "otterstorage-endpoint-https",
  description: "OtterStorage endpoints recorded on buckets and keys use https, except loopback addresses (Local OtterStorage).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: SCHEMA },
  validateStack: (args, reportViolation) => {
    const { allowedInsecureHosts } = withDefaults(args, DEFAULTS);
    for (const r of args.resources) check(r.type, r.name, r.props, allowedInsecureHosts, (m) => reportViolation(m, r.urn));
  },
};
