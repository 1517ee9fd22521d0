import { html } from './html.js';
import { layout } from './layout.js';

/**
 * The sign-in form; `error` is shown above it, and `next` (a path `safeReturnPath`
 * accepted) is where signing in lands, sent in a hidden field: the pages run no script.
 */
export function renderLoginPage(error?: string, next?: string | null): string {
  return layout(
    'Sign in',
    html`<main class="card narrow">
<h1>clm-collector admin</h1>
<p class="muted">Sign in with the collector's admin token (<code>CLM_ADMIN_TOKEN</code>).</p>
${error ? html`<p class="alert" role="alert">${error}</p>` : ''}
<form method="post" action="/admin/login" class="login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
<button type="submit" class="primary">Sign in</button>
</form>
</main>`,
    'centered',
  );
}
