// The staff UI's only script, served as /ui/app.js under `script-src 'self'` (nothing inline).
// Every page works without it: it shows times in the reader's own zone and adds keyboard shortcuts.
(function () {
  'use strict';

  var LOCAL = new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });

  /** `<time data-local="text">` shows the local date-time (UTC kept as its title); `"title"` gets it as title. */
  function localTimes(root) {
    var times = root.querySelectorAll('time[data-local][datetime]');
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var at = new Date(el.getAttribute('datetime'));
      if (isNaN(at.getTime())) continue;
      var local = LOCAL.format(at);
      if (el.getAttribute('data-local') === 'text') {
        if (!el.title) el.title = el.textContent.trim();
        el.textContent = local;
      } else {
        el.title = local;
      }
    }
  }

  var SHORTCUTS = [
    ['Inbox', 'j / k', 'next / previous ticket row'],
    ['Inbox', 'Enter or o', 'open the highlighted ticket'],
    ['Inbox', 'x', 'tick or untick the highlighted row'],
    ['Ticket', 'j or n / k or p', 'next / previous ticket'],
    ['Ticket', 'r', 'resolve the ticket'],
    ['Anywhere', '?', 'show or hide this help'],
    ['Anywhere', 'Esc', 'close this help'],
  ];

  var current = -1;
  var help = null;
  var before = null;

  function rows() {
    return document.querySelectorAll('tr[data-href]');
  }

  function highlight(step) {
    var list = rows();
    if (!list.length) return false;
    if (current >= 0 && list[current]) {
      list[current].classList.remove('kbd-current');
      list[current].removeAttribute('aria-current');
    }
    current = Math.max(0, Math.min(list.length - 1, current + step));
    var row = list[current];
    row.classList.add('kbd-current');
    row.setAttribute('aria-current', 'true');
    if (row.scrollIntoView) row.scrollIntoView({ block: 'nearest' });
    return true;
  }

  function highlighted() {
    return current >= 0 ? rows()[current] || null : null;
  }

  function follow(rel) {
    var link = document.querySelector('a[rel~="' + rel + '"][href]');
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }

  function resolve() {
    var form = document.querySelector('form[data-shortcut="resolve"]');
    if (!form) return false;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) return true;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
    return true;
  }

  function closeHelp() {
    if (!help) return;
    help.remove();
    help = null;
    if (before && before.focus) before.focus();
  }

  function openHelp() {
    before = document.activeElement;
    help = document.createElement('div');
    help.className = 'kbd-help';
    help.setAttribute('role', 'dialog');
    help.setAttribute('aria-modal', 'true');
    help.setAttribute('aria-labelledby', 'kbd-help-title');
    var box = document.createElement('div');
    box.className = 'kbd-help-box';
    var title = document.createElement('h2');
    title.id = 'kbd-help-title';
    title.textContent = 'Keyboard shortcuts';
    box.appendChild(title);
    var table = document.createElement('table');
    var body = document.createElement('tbody');
    for (var i = 0; i < SHORTCUTS.length; i++) {
      var tr = document.createElement('tr');
      var where = document.createElement('td');
      where.textContent = SHORTCUTS[i][0];
      var keys = document.createElement('th');
      keys.scope = 'row';
      var kbd = document.createElement('kbd');
      kbd.textContent = SHORTCUTS[i][1];
      keys.appendChild(kbd);
      var what = document.createElement('td');
      what.textContent = SHORTCUTS[i][2];
      tr.appendChild(where);
      tr.appendChild(keys);
      tr.appendChild(what);
      body.appendChild(tr);
    }
    table.appendChild(body);
    box.appendChild(table);
    var p = document.createElement('p');
    p.className = 'muted';
    p.textContent = 'Shortcuts are off while you type in a field.';
    box.appendChild(p);
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Close';
    close.addEventListener('click', closeHelp);
    box.appendChild(close);
    help.appendChild(box);
    help.addEventListener('click', function (e) {
      if (e.target === help) closeHelp();
    });
    document.body.appendChild(help);
    close.focus();
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.isContentEditable || target.closest('input, textarea, select, [contenteditable]'));
  }

  /** What a key does here; false when it does nothing (the browser keeps it). */
  function act(key, target) {
    if (help) {
      if (key === 'Escape' || key === '?') {
        closeHelp();
        return true;
      }
      // A modal dialog keeps the focus on its only control.
      if (key === 'Tab') {
        help.querySelector('button').focus();
        return true;
      }
      return false;
    }
    var onRows = rows().length > 0;
    switch (key) {
      case '?':
        openHelp();
        return true;
      case 'j':
        return onRows ? highlight(1) : follow('next');
      case 'k':
        return onRows ? highlight(-1) : follow('prev');
      case 'n':
        return follow('next');
      case 'p':
        return follow('prev');
      case 'Enter':
        // Enter on a link or button keeps its own meaning.
        if (target && target.closest && target.closest('a, button')) return false;
      // falls through
      case 'o': {
        var row = highlighted();
        if (!row) return false;
        window.location.assign(row.getAttribute('data-href'));
        return true;
      }
      case 'x': {
        var box = highlighted() && highlighted().querySelector('input[type="checkbox"]');
        if (!box) return false;
        box.click();
        return true;
      }
      case 'r':
        return resolve();
      default:
        return false;
    }
  }

  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(e.target) && !(help && e.key === 'Escape')) return;
    if (act(e.key, e.target)) e.preventDefault();
  });

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', function () {
      localTimes(document);
    });
  else localTimes(document);
})();
