import { describe, expect, it } from 'vitest';
import { html, raw } from './html.js';

describe('html', () => {
  it('escapes interpolated values but not nested html or raw markup', () => {
    const hostile = `<img src=x onerror="alert('x')">&`;
    const out = html`<td title="${hostile}">${hostile}${html`<b>${1}</b>`}${raw('<i>ok</i>')}</td>`;
    expect(out.value).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">' +
        '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;<b>1</b><i>ok</i></td>',
    );
  });

  it('joins arrays and drops null, undefined and false', () => {
    expect(html`${['<a>', html`<b/>`]}${null}${undefined}${false}${0}`.value).toBe(
      '&lt;a&gt;<b/>0',
    );
  });
});
