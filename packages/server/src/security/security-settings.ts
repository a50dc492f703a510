/** The edge's protections with MLflow's defaults filled in, resolved once per app. */
import type { ServerConfig } from '@loom/core';

/** 32 MiB: a dataset profile at MLflow's 16 MiB limit fits with room for its JSON escaping. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '0.0.0.0'];

/** Private networks (RFC 1918 and IPv6 unique local addresses), as MLflow allows by default. */
const PRIVATE_NETWORK_HOSTS = [
  '10.*',
  '192.168.*',
  ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`),
  '[fc*',
  '[fd*',
];

/** Browser origins on this machine: always allowed, whatever the list says (as in MLflow). */
export const LOCALHOST_ORIGINS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'].flatMap((h) => [
  `http://${h}`,
  `http://${h}:*`,
  `https://${h}`,
  `https://${h}:*`,
]);

export interface ResolvedSecurity {
  enabled: boolean;
  allowedHosts: readonly string[];
  corsAllowedOrigins: readonly string[];
  /** The X-Frame-Options value, or undefined for none (`NONE`). */
  xFrameOptions: 'SAMEORIGIN' | 'DENY' | undefined;
  maxBodyBytes: number;
}

/** Hosts served when `--allowed-hosts` is not given: loopback, private networks and the bind address. */
export function defaultAllowedHosts(bindHost: string): string[] {
  const hosts = [...LOOPBACK_HOSTS, ...PRIVATE_NETWORK_HOSTS];
  const bind = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  // A wildcard bind address names no host a browser would send.
  if (!['0.0.0.0', '[::]', ''].includes(bind) && !hosts.includes(bind)) hosts.push(bind);
  return hosts;
}

/** Reads `--x-frame-options`: SAMEORIGIN, DENY or NONE, any case. */
export function parseFrameOptions(value: string | undefined): ResolvedSecurity['xFrameOptions'] {
  const upper = (value ?? 'SAMEORIGIN').trim().toUpperCase();
  if (upper === 'NONE') return undefined;
  if (upper === 'SAMEORIGIN' || upper === 'DENY') return upper;
  throw new Error(`invalid X-Frame-Options '${value}': use SAMEORIGIN, DENY or NONE`);
}

/** The settings of `config` with every default applied. */
export function resolveSecurity(config: ServerConfig): ResolvedSecurity {
  const s = config.security ?? {};
  return {
    enabled: !s.disabled,
    allowedHosts: s.allowedHosts?.length ? s.allowedHosts : defaultAllowedHosts(config.host),
    corsAllowedOrigins: [...LOCALHOST_ORIGINS, ...(s.corsAllowedOrigins ?? [])],
    xFrameOptions: parseFrameOptions(s.xFrameOptions),
    maxBodyBytes: s.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
}
