import { Global, Module } from '@nestjs/common';
import { Credentials } from './credentials.js';

/** The credential registry the auth guard resolves tokens through; features register their verifiers in it. */
@Global()
@Module({ providers: [Credentials], exports: [Credentials] })
export class AuthModule {}
