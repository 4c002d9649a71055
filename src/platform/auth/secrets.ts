import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A random bearer secret: `<tag>_<visible id>_<secret>`, 256 bits of entropy in the secret part. */
export function newBearerSecret(tag: string): { token: string; prefix: string } {
  const visible = randomBytes(4).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${tag}_${visible}_${secret}`, prefix: `${tag}_${visible}` };
}

export function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(sha256Hex(a), 'hex');
  const right = Buffer.from(sha256Hex(b), 'hex');
  return timingSafeEqual(left, right);
}
