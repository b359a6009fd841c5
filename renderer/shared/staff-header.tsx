/**
 * The header of a signed-in staff page: its title, who is signed in, links to the pages that
 * person works with next, and sign out (which also ends the session on the service).
 */
import type { ComponentChildren } from 'preact';
import { api } from './api.js';
import type { Me } from './signed-in.js';

export function StaffHeader({ title, me, onSignOut, children }: { title: ComponentChildren; me: Me; onSignOut: () => void; children?: ComponentChildren }) {
  return (
    <header>
      <h1>{title}</h1>
      <span class="muted">
        {me.name} ({me.staffId})
      </span>
      {children}
      <button
        class="no-print"
        onClick={() => {
          void api('POST', '/api/auth/logout').catch(() => undefined);
          onSignOut();
        }}
      >
        退出 · Sign out
      </button>
    </header>
  );
}

/** A refusal or failure in words, announced to screen readers; nothing when there is none. */
export function ErrorNote({ text }: { text: string }) {
  if (!text) return null;
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}
