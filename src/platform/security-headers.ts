import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const CSP = 'content-security-policy';
const UPGRADE = 'upgrade-insecure-requests';

/**
 * `upgrade-insecure-requests` makes a browser fetch every asset over https. Served over plain HTTP (a
 * laptop, a LAN address), that blanks `/docs` and the console, so the directive is only sent on HTTPS.
 */
export function cspForProtocol(policy: string, protocol: string): string {
  return protocol === 'https' && !policy.includes(UPGRADE) ? `${policy};${UPGRADE}` : policy;
}

/** Helmet's headers with our content security policy, the https upgrade only where it can work. */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      const policy = reply.getHeader(CSP);
      if (typeof policy === 'string') reply.header(CSP, cspForProtocol(policy, request.protocol));
      return payload;
    });
}
