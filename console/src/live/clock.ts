import { useSyncExternalStore } from 'react';
import { serverOffsetMs } from '../lib/countdown';

/**
 * The console's one clock: the browser's, corrected to the server's (bootstrap and SSE `hello` carry
 * `serverTime`), ticking once a second for every countdown on the page through one timer.
 */
let offsetMs = 0;
let nowSecondMs = Math.floor(Date.now() / 1000) * 1000;
const listeners = new Set<() => void>();
let timer: number | undefined;

export function setServerTime(serverTimeIso: string): void {
  offsetMs = serverOffsetMs(serverTimeIso, Date.now());
  tick();
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

function tick(): void {
  nowSecondMs = Math.floor(serverNow() / 1000) * 1000;
  for (const listener of listeners) listener();
}

function schedule(): void {
  // Wake just after each server second so every countdown changes together.
  const delay = 1000 - (serverNow() % 1000) + 5;
  timer = window.setTimeout(() => {
    tick();
    if (listeners.size > 0) schedule();
    else timer = undefined;
  }, delay);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    nowSecondMs = Math.floor(serverNow() / 1000) * 1000;
    schedule();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearTimeout(timer);
      timer = undefined;
    }
  };
}

/** Server time in ms, floored to the second; re-renders the caller once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => nowSecondMs);
}
