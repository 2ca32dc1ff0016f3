/**
 * Skipping with a reason: `return skipBecause(this, "rclone not installed (apt-get install -y rclone)")` in an
 * `it` or a hook. The closing report of `npm test` (scripts/mocha-reporter.js) lists every skipped test with the
 * reason given here (for a hook: for each test of its suite), so a skip is never silent.
 */
export const SKIP_REASON = "__otterSkipReason";

export function skipBecause(ctx: Mocha.Context, reason: string): void {
  const r = ctx.runnable() as Mocha.Runnable & { type?: string; parent?: Mocha.Suite };
  const target = (r.type === "hook" ? r.parent : r) as unknown as Record<string, unknown> | undefined;
  if (target) target[SKIP_REASON] = reason;
  ctx.skip();
}
