/**
 * A human complaint whose HTML tries everything a spammer (or an attacker targeting staff) might:
 * script tags, event handlers, `javascript:` links, remote images and styles, a form, an iframe, and a
 * subject carrying an encoded header injection and markup.
 */
export const hostileComplaint = (n: number): string =>
  [
    'From: Angry Recipient <angry@example.net>',
    'To: abuse@esp.example',
    // =?utf-8?…?= decodes to a CRLF + fake header and markup: must stay one line of escaped text.
    'Subject: =?utf-8?B?' +
      Buffer.from(
        `Spam!\r\nBcc: victim@example.org <script>window.__pwned=1</script><img src=x onerror=alert(1)>`,
      ).toString('base64') +
      '?=',
    `Message-ID: <hostile-${n}@example.net>`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is spam I never asked for. See http://spam.example/offer and <script>window.__pwned=1</script>',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><head><style>body{background:url(http://127.0.0.2:9/bg.png)}</style><script>window.__pwned=1;alert(1)</script>',
    '<link rel="stylesheet" href="http://127.0.0.2:9/x.css"><meta http-equiv="refresh" content="0;url=http://127.0.0.2:9/"></head>',
    '<body onload="window.__pwned=1">',
    '<p>This is spam I never asked for.</p>',
    '<img src="http://127.0.0.2:9/x.png" onerror="window.__pwned=1;alert(1)">',
    '<a href="javascript:window.__pwned=1">click me</a>',
    '<iframe src="http://127.0.0.2:9/frame"></iframe>',
    '<form action="http://127.0.0.2:9/steal"><input name="x"><button>go</button></form>',
    '<svg onload="window.__pwned=1"><script>window.__pwned=1</script></svg>',
    '<img src=x onerror=window.__pwned=1 <p>broken',
    '</body></html>',
    '--b1--',
    '',
  ].join('\r\n');
