/**
 * Who is making a request. With authentication off the server names the caller from an HTTP Basic
 * header when one is sent, else `anonymous`; the authentication issue replaces that resolver only.
 */
export interface Principal {
  /** The user name recorded in activities and the audit log. */
  user: string;
}

/** The caller when nobody is named. */
export const ANONYMOUS: Principal = Object.freeze({ user: 'anonymous' });
