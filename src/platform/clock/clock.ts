/** The one source of time. Services ask the clock; tests replace it with a clock they move. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to: tests advance it instead of sleeping through windows. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: Date | string = '2026-11-02T09:00:00.000Z') {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }

  advanceHours(hours: number): Date {
    return this.advance(hours * 3_600_000);
  }
}
