import { useSyncExternalStore } from 'react';
import type { CaseChanged } from '../api/types';
import { setServerTime } from './clock';

/**
 * One EventSource per browser, not per tab (HTTP/1.1 allows six connections per origin): the tab holding
 * the `as-stream` Web Lock connects and relays every event to the other tabs over a BroadcastChannel.
 * When it closes, the lock passes to the next tab, which connects and resumes from the server's cursor.
 */
export type LiveStatus = 'connecting' | 'open' | 'closed';

type Relay = { kind: 'event'; name: 'hello' | 'case.changed' | 'reset'; data: unknown } | { kind: 'status'; status: LiveStatus } | { kind: 'ask' };

export interface LiveHandlers {
  onCaseChanged(change: CaseChanged): void;
  onReset(): void;
  /** After a gap of more than a minute, the changes that arrived while catching up. */
  onCaughtUp?(offlineMs: number, changedCases: number): void;
}

const CHANNEL = 'as-stream';
let status: LiveStatus = 'connecting';
const statusListeners = new Set<() => void>();
let handlers: LiveHandlers | null = null;
let channel: BroadcastChannel | null = null;
let started = false;
let leader = false;
let disconnectedAt: number | null = null;
let catchUp: { since: number; cases: Set<string>; timer: number } | null = null;

function setStatus(next: LiveStatus): void {
  if (next === status) return;
  if (next !== 'open' && status === 'open') disconnectedAt = Date.now();
  if (next === 'open' && disconnectedAt !== null) {
    const gap = Date.now() - disconnectedAt;
    disconnectedAt = null;
    if (gap > 60_000) startCatchUp(gap);
  }
  status = next;
  for (const listener of statusListeners) listener();
  if (leader) channel?.postMessage({ kind: 'status', status } satisfies Relay);
}

function startCatchUp(gapMs: number): void {
  const cases = new Set<string>();
  catchUp = {
    since: gapMs,
    cases,
    timer: window.setTimeout(() => {
      handlers?.onCaughtUp?.(gapMs, cases.size);
      catchUp = null;
    }, 2500),
  };
}

function deliver(name: Relay & { kind: 'event' } extends { name: infer N } ? N : never, data: unknown): void {
  if (name === 'hello') {
    const hello = data as { serverTime?: string };
    if (hello.serverTime) setServerTime(hello.serverTime);
  } else if (name === 'case.changed') {
    const change = data as CaseChanged;
    catchUp?.cases.add(change.caseId);
    handlers?.onCaseChanged(change);
  } else if (name === 'reset') {
    handlers?.onReset();
  }
}

function connect(): void {
  leader = true;
  const source = new EventSource('/v1/stream');
  setStatus('connecting');
  const relay = (name: 'hello' | 'case.changed' | 'reset') => (event: MessageEvent<string>) => {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    deliver(name, data);
    channel?.postMessage({ kind: 'event', name, data } satisfies Relay);
  };
  source.addEventListener('hello', relay('hello') as EventListener);
  source.addEventListener('case.changed', relay('case.changed') as EventListener);
  source.addEventListener('reset', relay('reset') as EventListener);
  source.onopen = () => setStatus('open');
  // The browser reconnects by itself (sending Last-Event-ID); a 401 closes it for good: sign in again.
  source.onerror = () => {
    setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    if (source.readyState === EventSource.CLOSED) {
      window.setTimeout(() => {
        source.close();
        void fetch('/v1/console/bootstrap', { credentials: 'same-origin' }).then(
          (r) => {
            if (r.status === 401) location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
            else connect();
          },
          () => window.setTimeout(connect, 5000),
        );
      }, 3000);
    }
  };
  window.addEventListener('pagehide', () => source.close(), { once: true });
}

export function startLiveStream(next: LiveHandlers): void {
  handlers = next;
  if (started) return;
  started = true;
  if (typeof BroadcastChannel === 'undefined' || !navigator.locks) {
    connect();
    return;
  }
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (message: MessageEvent<Relay>) => {
    const relay = message.data;
    if (relay.kind === 'event' && !leader) deliver(relay.name, relay.data);
    else if (relay.kind === 'status' && !leader) setStatus(relay.status);
    else if (relay.kind === 'ask' && leader) channel?.postMessage({ kind: 'status', status } satisfies Relay);
  };
  channel.postMessage({ kind: 'ask' } satisfies Relay);
  // Held for the life of the tab: the promise never settles, and the lock is released when the tab goes.
  void navigator.locks.request(CHANNEL, () => {
    connect();
    return new Promise<never>(() => undefined);
  });
}

function subscribeStatus(listener: () => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(subscribeStatus, () => status);
}

/** Cases changed live recently, for the queue's flash: caseId → when. */
const flashes = new Map<string, number>();
const flashListeners = new Set<() => void>();
let flashVersion = 0;

export function markChanged(caseId: string): void {
  flashes.set(caseId, Date.now());
  flashVersion++;
  for (const listener of flashListeners) listener();
}

export function useFlashes(): Map<string, number> {
  useSyncExternalStore(
    (listener) => {
      flashListeners.add(listener);
      return () => flashListeners.delete(listener);
    },
    () => flashVersion,
  );
  return flashes;
}

/** The last version seen live per case, for the "updated by someone else" banner. */
const liveVersions = new Map<string, number>();
const versionListeners = new Set<() => void>();

export function noteLiveVersion(caseId: string, version: number): void {
  if ((liveVersions.get(caseId) ?? 0) >= version) return;
  liveVersions.set(caseId, version);
  for (const listener of versionListeners) listener();
}

export function useLiveVersion(caseId: string): number | undefined {
  return useSyncExternalStore(
    (listener) => {
      versionListeners.add(listener);
      return () => versionListeners.delete(listener);
    },
    () => liveVersions.get(caseId),
  );
}
