export interface ProblemFieldError {
  /** Dotted path of the failing input field, e.g. `policy.merchantResponseHours`. */
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: ProblemFieldError[];
  /** Extra members of the problem object (RFC 9457 extension members). */
  extensions?: Record<string, unknown>;
}

/**
 * An error that becomes an RFC 9457 `application/problem+json` response. Features subclass it with
 * their own code catalogue (see `defineProblems`), so each code is mapped to a status exactly once.
 */
export class ProblemException extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: ProblemFieldError[];
  readonly extensions: Record<string, unknown>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.extensions = init.extensions ?? {};
  }
}

export type ProblemCatalog<C extends string> = Record<C, { status: number; title: string }>;

/**
 * Declares a feature's problem codes once and returns an exception class bound to them:
 * `throw new ShopException('SHOP_NOT_FOUND', 'No shop 42')`.
 */
export function defineProblems<C extends string>(name: string, catalog: ProblemCatalog<C>) {
  const FeatureException = class extends ProblemException {
    constructor(code: C, detail?: string, extensions?: Record<string, unknown>) {
      super({ ...catalog[code], code, detail, extensions });
    }
  };
  Object.defineProperty(FeatureException, 'name', { value: name });
  return FeatureException;
}
