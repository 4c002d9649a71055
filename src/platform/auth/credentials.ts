import { Injectable } from '@nestjs/common';
import type { Principal } from './principal.js';

/** The prefix of a shop API key (`ak_<8 hex>_<secret>`); see the shops feature. */
export const API_KEY_TAG = 'ak';
/** The prefix of an agent session token (`st_<8 hex>_<secret>`); see the agents feature. */
export const SESSION_TAG = 'st';

/**
 * Resolves one kind of bearer token to its principal: the port through which features that issue
 * credentials (shops issue API keys, agents issue sessions) let the auth guard authenticate them.
 */
export interface CredentialVerifier {
  /** The token's prefix, before its first `_`. */
  readonly tag: string;
  /** The principal, or undefined when the token is unknown, revoked or expired. */
  authenticate(token: string): Promise<Principal | undefined>;
}

/** The verifiers registered by features, by token prefix. */
@Injectable()
export class Credentials {
  private readonly verifiers = new Map<string, CredentialVerifier>();

  register(verifier: CredentialVerifier): void {
    this.verifiers.set(verifier.tag, verifier);
  }

  /** The principal of a tagged token; undefined for a token of no registered kind. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const separator = token.indexOf('_');
    const verifier = separator > 0 ? this.verifiers.get(token.slice(0, separator)) : undefined;
    return verifier?.authenticate(token);
  }
}
