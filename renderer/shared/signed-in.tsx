/**
 * A staff page behind sign-in: the sign-in form until a token is held, then who is signed in
 * (GET /api/auth/me), then the page itself. Signing out (or a refused token) forgets the token.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, getToken, setToken } from './api.js';
import { SignIn } from './sign-in.js';

export interface Me {
  staffId: string;
  name: string;
  roles: string[];
}

export function SignedIn({ title, note, page }: { title: string; note: string; page: (me: Me, signOut: () => void) => ComponentChildren }) {
  const [me, setMe] = useState<Me | null>(null);
  const [signedIn, setSignedIn] = useState(!!getToken());
  const signOut = useCallback(() => {
    setToken(null);
    setMe(null);
    setSignedIn(false);
  }, []);
  useEffect(() => {
    if (!signedIn) return;
    api<Me>('GET', '/api/auth/me').then(setMe, signOut);
  }, [signedIn, signOut]);
  if (!signedIn) return <SignIn title={title} note={note} onDone={() => setSignedIn(true)} />;
  if (!me) return <p>…</p>;
  return <>{page(me, signOut)}</>;
}
