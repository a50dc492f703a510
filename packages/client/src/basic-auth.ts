/**
 * HTTP Basic credentials. Loom names the caller from the user part (the password is not checked until
 * authentication lands), so a user name alone identifies — it does not authenticate.
 */

/** `{ authorization: 'Basic base64(user:password)' }`, UTF-8 encoded, browser- and Node-safe. */
export function basicAuthHeaders(user: string, password = ''): Record<string, string> {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return { authorization: `Basic ${btoa(binary)}` };
}
