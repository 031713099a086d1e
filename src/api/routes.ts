/**
 * THE route table: every route the daemon serves, with its declared access. The server registers
 * exactly these (register-routes.ts), and the security tests enumerate exactly these.
 */
import type { ApiDeps } from './api-deps.ts';
import type { AnyRoute } from './route-def.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { detectionRoutes } from './routes/detection-routes.ts';
import { hitRoutes } from './routes/hit-routes.ts';
import { holdRoutes } from './routes/hold-routes.ts';
import { hotlistRoutes } from './routes/hotlist-routes.ts';
import { searchRoutes } from './routes/search-routes.ts';
import { systemRoutes, type SystemDeps } from './routes/system-routes.ts';
import { webRoutes } from './routes/web-routes.ts';

/** The data API and the officer's page (served when `http.web` is on). */
export function apiRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    ...authRoutes(deps),
    ...hitRoutes(deps),
    ...detectionRoutes(deps),
    ...searchRoutes(deps),
    ...hotlistRoutes(deps),
    ...holdRoutes(deps),
    ...auditRoutes(deps),
    ...webRoutes(),
  ];
}

export function routeTable(system: SystemDeps, api: ApiDeps | null): AnyRoute[] {
  return [...systemRoutes(system), ...(api ? apiRoutes(api) : [])];
}
