/**
 * Stack traces off while a resource registers its properties — the largest share of the program's cost per resource.
 *
 * @pulumi/pulumi wraps every property of a registered resource in four promises, and `debuggablePromise` stores
 * `new Error().stack` on each (runtime/rpc.js `transferProperties`, runtime/debuggable.js; the traces are read only
 * for the promise-leak report of PULUMI_DEBUG_PROMISE_LEAKS). In the program runner that trace is formatted through
 * source-map-support's `prepareStackTrace` (cmd/run/index.js). An AccessKey registers 14 properties, so 56 traces
 * per key, where a resource with two inputs takes 12: measured about 8 ms of CPU per resource (300 keys and their
 * 30 buckets under mocks with source-map-support: 3.5 s of constructor CPU, 0.8 s with traces off; docs/benchmarks.md).
 *
 * `Error.stackTraceLimit = 0` for the synchronous part of the registration (inside `super(...)`) makes those
 * traces empty. The resource's own source position and stack trace, which the engine records, are captured with the
 * limit raised (resource.js `Resource.callsites`) and stay whole. Kept whole too when PULUMI_DEBUG_PROMISE_LEAKS is
 * set. What loses its frames: the error Pulumi preallocates for a failed RegisterResource call, whose message still
 * names the resource and its type.
 *
 *   const restore = quietStacks();
 *   try { super(...); } finally { restore(); }
 */
export function quietStacks(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
