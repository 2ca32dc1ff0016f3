/** Policy config: the team's values over the defaults. The CLI fills schema defaults too; tests and older CLIs don't. */
export function withDefaults<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
  const given = args.getConfig<Partial<T>>();
  const out = { ...defaults };
  for (const k of Object.keys(given) as (keyof T)[]) if (given[k] !== undefined) out[k] = given[k] as T[keyof T];
  return out;
}
