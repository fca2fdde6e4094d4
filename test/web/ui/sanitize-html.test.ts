import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from '../../../src/web/ui/sanitize-html.ts';
import { defangText, defangUrl } from '../../../src/web/ui/defang.ts';
import { html, rawHtml } from '../../../src/web/ui/html.ts';

describe('sanitizeHtml', () => {
  it('keeps basic formatting, drops scripts, styles, handlers, forms and every URL a browser could fetch', () => {
    const out =
      sanitizeHtml(`<html><head><title>t</title><style>body{background:url(http://127.0.0.2:9/bg.png)}</style><script>window.__pwned=1</script></head>
<body onload="alert(1)"><p class="x" style="color:red">Hello <b>there</b></p><img src="http://127.0.0.2:9/x.png" onerror="window.__pwned=1" alt="logo">
<a href="javascript:window.__pwned=1">click</a> <a href="https://evil.example/path">site</a><iframe src="http://127.0.0.2:9/"></iframe>
<form action="http://127.0.0.2:9/"><input name=a></form><SCRIPT>x</SCRIPT><scr<script>ipt>alert(1)</script><!-- <script>alert(1)</script> --><svg><script>alert(1)</script></svg></body></html>`);
    expect(out).toContain('<p>Hello <b>there</b></p>');
    expect(out).toContain('[image &quot;logo&quot;: hxxp://127[.]0[.]0[.]2:9/x.png]');
    expect(out).toContain('click</span> [javascript[:]window.__pwned=1]');
    expect(out).toContain('site</span> [hxxps://evil[.]example/path]');
    expect(out).not.toMatch(
      /<script|<style|<img|<iframe|<form|<input|<svg|onerror|onload|href=|src=|style=|class=/i,
    );
    // Only attribute-free tags survive.
    for (const tag of out.match(/<[^>]*>/g) ?? []) expect(tag).toMatch(/^<\/?[a-z0-9]+>$/);
  });

  it('broken HTML cannot smuggle a tag through', () => {
    for (const s of [
      '<img src=x onerror=alert(1)',
      '<<script>>alert(1)<</script>',
      '<a href="x" onclick="a()"',
      '"><img src=x>',
      '<p <script>alert(1)</script>',
      '<b>unclosed <i>tags',
    ]) {
      const out = sanitizeHtml(s);
      for (const tag of out.match(/<[^>]*>/g) ?? []) expect(tag, s).toMatch(/^<\/?[a-z0-9]+>$/);
    }
  });
});

describe('html and defang', () => {
  it('escapes every interpolation unless it is SafeHtml', () => {
    expect(html`<p title="${'"><x>'}">${'<b>'}${rawHtml('<i>ok</i>')}${['<a>', html`<br>`]}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;x&gt;">&lt;b&gt;<i>ok</i>&lt;a&gt;<br></p>',
    );
  });
  it('defangs URLs', () => {
    expect(defangUrl('http://spam.example/x?a=b')).toBe('hxxp://spam[.]example/x?a=b');
    expect(defangText('see https://a.b.example/ and javascript:alert(1)')).toBe(
      'see hxxps://a[.]b[.]example/ and javascript[:]alert(1)',
    );
  });
});
