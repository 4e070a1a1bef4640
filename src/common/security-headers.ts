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
  app.use((request: Request, response: Response, next: NextFunction) =>
    (request.path.startsWith(docsPrefix) ? docs : api)(request, response, next),
  );
}
