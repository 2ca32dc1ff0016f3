/** Builds the OpenAPI 3.1 document served at GET /v1/openapi.json, from api/routes.ts and api/schemas.ts. */
import { z } from "zod";
import { CONTROL_ERRORS, PROBLEM_CONTENT_TYPE } from "./errors";
import { ROUTES, RouteSpec } from "./routes";
import { Problem, IDEMPOTENCY_WINDOW_SECONDS } from "./schemas";

export const CONTROL_API_VERSION = "1.0.0";

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES as readonly RouteSpec[]) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const params: unknown[] = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    if (r.query) {
      const q = jsonSchema(r.query, "input") as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(q.properties ?? {})) params.push({ name, in: "query", required: false, schema });
    }
    if (r.idempotent) {
      params.push({
        name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 },
        description: `A retried request with the same key (and the same body) within ${IDEMPOTENCY_WINDOW_SECONDS} s gets the first answer again instead of a second key.`,
      });
    }
    const responses: Record<string, unknown> = {
      [String(r.status)]: r.response
        ? { description: r.summary, content: { "application/json": { schema: jsonSchema(r.response, "output") } } }
        : { description: r.summary },
    };
    for (const code of r.errors) {
      const e = CONTROL_ERRORS[code as keyof typeof CONTROL_ERRORS];
      const key = String(e.status);
      const prev = responses[key] as { description: string } | undefined;
      responses[key] = {
        description: prev ? `${prev.description}; ${code}` : code,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      security: r.auth ? [{ bearer: [] }] : [],
      parameters: params,
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "OtterStorage Control API", version: CONTROL_API_VERSION, description: "Buckets and per-bucket access keys. Defined by pulumi-otterstorage; served by Local OtterStorage." },
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Account token" } },
      schemas: { Problem: jsonSchema(Problem, "output") },
    },
  };
}
