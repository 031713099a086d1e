/**
 * What a route declares: method, path, the permission it needs (or 'public' / 'session'),
 * whether it changes state (then the CSRF header is required) and the zod schemas of its input.
 * register-routes.ts applies all of it in one place, so a handler never checks access itself.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Permission, Principal } from '../access/types.ts';

/**
 * 'public': no login (login, health, metrics, the page's static files).
 * 'session': any logged-in user, trained or not (logout, who am I) — never ALPR data.
 * A Permission: checkAccess(principal, permission) must allow it.
 */
export type RouteAccess = Permission | 'public' | 'session';

export type HttpMethod = 'GET' | 'POST';

export interface RouteSession {
  principal: Principal;
  csrfToken: string;
  token: string;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present on every route that is not 'public'. */
  session: RouteSession | null;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  url: string;
  access: RouteAccess;
  /** True: a request must carry `x-csrf-token` equal to its session's token. */
  changesState: boolean;
  summary: string;
  schemas: { params?: z.ZodType<P>; query?: z.ZodType<Q>; body?: z.ZodType<B> };
  /** The value is sent as JSON, unless the handler already sent the reply (images, streams). */
  handler(ctx: RouteContext<P, Q, B>): unknown;
}

/** Declares a route with its input types inferred from its schemas. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

/** A route of the table with its input types erased (the table holds many shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any>;

/** An error a handler throws to answer with a status and one clear message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
