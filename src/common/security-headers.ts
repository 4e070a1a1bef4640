import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { OPENAPI_UI_PATH } from './openapi.js';

/**
 * Security headers on every response (nosniff, frame denial, a Content-Security-Policy,
 * no referrer). The API answers JSON and text only, so its policy allows nothing; Swagger
 * UI at /docs loads its own scripts and uses inline styles and data: images. No HSTS:
 * Orion often serves plain HTTP on a LAN, and TLS is the proxy's business.
 */
export function useSecurityHeaders(app: INestApplication): void {
  const common = {
    strictTransportSecurity: false,
    // Browser games on other origins read the API through CORS; CORP must not get in the way.
    crossOriginResourcePolicy: { policy: 'cross-origin' as const },
    xFrameOptions: { action: 'deny' as const },
  };
  const api = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
  const docs = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const docsPrefix = `/${OPENAPI_UI_PATH}`;
  // helmet's headers never vary by request, so they are taken once and set in one call:
  // its chain of a dozen middlewares per request cost about a tenth of a request's CPU.
  const apiHeaders = headersOf(api);
  const docsHeaders = headersOf(docs);
  app.use((request: Request, response: Response, next: NextFunction) => {
    response.setHeaders(request.path.startsWith(docsPrefix) ? docsHeaders : apiHeaders);
    next();
  });
}

type HeaderMiddleware = (request: never, response: never, next: (error?: unknown) => void) => void;

/** The headers a header-setting middleware such as helmet's sets, recorded from one run. */
export function headersOf(middleware: HeaderMiddleware): Map<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  let ran = false;
  middleware({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    ran = true;
  });
  // helmet runs synchronously; a middleware that did not would leave headers unrecorded.
  if (!ran) throw new Error('The header middleware did not finish synchronously.');
  return headers;
}
