import { createContext, useContext } from 'react';
import type { Bootstrap } from '../api/types';

export const SessionContext = createContext<Bootstrap | null>(null);

/** The signed-in agent, their shop and the server's settings; only inside the shell. */
export function useSession(): Bootstrap {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the shell');
  return session;
}
