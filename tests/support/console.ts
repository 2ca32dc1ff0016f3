/** Signs in to the console over plain HTTP as a browser would: GET the form (CSRF cookie + field), POST it. */
export interface ConsoleSession {
  /** The session cookie, `name=value`, for a Cookie header. */
  cookie: string;
  /** The session's CSRF token (the hidden _csrf field of every form). */
  csrf: string;
}

export function setCookies(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]);
}

export async function signInForm(consoleUrl: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${consoleUrl}sign-in`);
  const cookie = setCookies(r).find((c) => c.startsWith("otterstorage_console_signin="))!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await r.text())![1];
  return { cookie, csrf };
}

export async function consoleSession(consoleUrl: string, token: string): Promise<ConsoleSession> {
  const form = await signInForm(consoleUrl);
  const r = await fetch(`${consoleUrl}sign-in`, { method: "POST", headers: { cookie: form.cookie }, body: new URLSearchParams({ _csrf: form.csrf, token }), redirect: "manual" });
  if (r.status !== 303) throw new Error(`console sign-in answered ${r.status}`);
  const cookie = setCookies(r).find((c) => c.startsWith("otterstorage_console="))!;
  const page = await (await fetch(consoleUrl, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] };
}
