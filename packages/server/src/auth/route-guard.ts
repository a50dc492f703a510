/**
 * Authorization of the routes declared in rpc.ts: each is looked up in the rule tables when it is
 * mounted (no rule: the app refuses to start), and every call runs its rule around the handler —
 * the check, the search filtering with re-paging, and the follow-up grants.
 */
import type { Context, Hono } from 'hono';
import type { AuthService } from '@loom/core';
import type { AppDeps } from '../deps';
import type { RouteGuard, RpcRoute } from '../rpc';
import { readableExperiments, readableModels } from './access';
import { findRawRule } from './raw-route-rules';
import { requestUser } from './request-user';
import { AUTH_ROUTE_RULES, ROUTE_RULES, type Req, type RouteRule, type RuleContext } from './route-rules';

type Page = Record<string, unknown>;

/** The search answer holding only readable items, fetched page after page until the page is full. */
async function filteredSearch(
  x: RuleContext,
  filter: NonNullable<RouteRule['filter']>,
  handle: (req: Req) => Promise<unknown>,
): Promise<Page> {
  const keep = filter.of === 'experiment' ? await readableExperiments(x) : await readableModels(x);
  const items: Page[] = [];
  let req = x.req;
  let pageSize: number | undefined;
  let token: string | undefined;
  for (;;) {
    const body = (await handle(req)) as Page;
    const page = (body[filter.field] as Page[] | undefined) ?? [];
    pageSize ??= page.length;
    items.push(...page.filter((item) => keep(String(item[filter.key]))));
    token = typeof body.next_page_token === 'string' ? body.next_page_token : undefined;
    if (!token || items.length >= pageSize) break;
    req = { ...x.req, page_token: token, max_results: pageSize - items.length };
  }
  return {
    ...(items.length > 0 ? { [filter.field]: items } : {}),
    ...(token ? { next_page_token: token } : {}),
  };
}

/** The guard of an app whose callers `auth` authenticates. */
export class AuthRouteGuard implements RouteGuard {
  /** `METHOD path` of every rpc route mounted under this guard. */
  readonly guarded = new Set<string>();

  constructor(
    private readonly auth: AuthService,
    private readonly deps: () => AppDeps,
  ) {}

  private ruleOf(name: string): RouteRule | undefined {
    return Object.hasOwn(ROUTE_RULES, name)
      ? ROUTE_RULES[name]
      : Object.hasOwn(AUTH_ROUTE_RULES, name)
        ? AUTH_ROUTE_RULES[name]
        : undefined;
  }

  mounted(route: RpcRoute, method: string, path: string): void {
    if (!this.ruleOf(route.name)) {
      throw new Error(
        `route ${route.name} (${method} ${path}) has no permission rule in auth/route-rules.ts`,
      );
    }
    this.guarded.add(`${method} ${path}`);
  }

  async run(
    route: RpcRoute,
    req: unknown,
    c: Context,
    handle: (req: unknown) => Promise<unknown>,
  ): Promise<unknown> {
    const rule = this.ruleOf(route.name)!;
    const x: RuleContext = { auth: this.auth, deps: this.deps(), user: requestUser(c), req: req as Req, c };
    const outcome = await rule.check(x);
    if (outcome && 'answer' in outcome) return outcome.answer;
    if (outcome && 'req' in outcome) x.req = outcome.req;
    const result =
      rule.filter && !x.user.isAdmin ? await filteredSearch(x, rule.filter, handle) : await handle(x.req);
    await rule.after?.(x, result);
    return result;
  }

  /**
   * Throws unless every route of `app` is guarded: an rpc route mounted under this guard, a raw rule,
   * or a public path. Run once the app is complete, so a route added without a rule stops the start.
   */
  assertEveryRouteGuarded(app: Hono, publicPaths: (path: string) => boolean): void {
    for (const r of app.routes) {
      // Middleware (and the artifacts-only 503 answers) are mounted for ALL methods.
      if (r.method === 'ALL' || r.path === '*' || r.path === '/*') continue;
      if (this.guarded.has(`${r.method} ${r.path}`) || publicPaths(r.path)) continue;
      if (findRawRule(r.method, r.path.replace(/:[^/]+/g, 'x').replace(/\*$/, 'x'))) continue;
      throw new Error(`route ${r.method} ${r.path} has no permission rule: refusing to serve it unchecked`);
    }
  }
}
