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

/** Anything that carries a catalogue of problem codes: a feature exception, or a framework's fixed list. */
export interface ProblemSource<C extends string> {
  readonly problems: ProblemCatalog<C>;
}

/**
 * Declares a feature's problem codes once and returns an exception class bound to them:
 * `throw new ShopException('SHOP_NOT_FOUND', 'No shop 42')`. The catalogue stays readable as
 * `ShopException.problems`, so the OpenAPI document lists the same codes with the same statuses.
 */
export function defineProblems<C extends string>(name: string, catalog: ProblemCatalog<C>) {
  const FeatureException = class extends ProblemException {
    static readonly problems: ProblemCatalog<C> = catalog;

    constructor(code: C, detail?: string, extensions?: Record<string, unknown>) {
      super({ ...catalog[code], code, detail, extensions });
    }
  };
  Object.defineProperty(FeatureException, 'name', { value: name });
  return FeatureException;
}
