// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installFocusRules } from './focus';

/** The page as Mantine draws it: the app in #root, dialogs and menus in a portal beside it. */
function page() {
  document.body.innerHTML = `
    <div id="root"><button id="actions" aria-haspopup="menu" aria-expanded="false">Actions</button><button id="other">Other</button></div>
    <div data-portal="true"></div>`;
  const portal = document.querySelector<HTMLElement>('[data-portal]')!;
  const open = () => {
    portal.innerHTML = `<section role="dialog" aria-modal="true"><button id="close">×</button><input id="name" data-autofocus /></section>`;
    return portal.querySelector('section')!;
  };
  return { actions: document.getElementById('actions')!, other: document.getElementById('other')!, portal, open };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Focus rules: a dialog keeps the keyboard focus and gives it back', () => {
  let uninstall: () => void;
  beforeEach(() => {
    uninstall = installFocusRules(document);
  });
  afterEach(() => uninstall());

  it('sends focus that lands behind an open dialog back into it (a menu returning focus to its button)', () => {
    const { actions, open } = page();
    actions.focus();
    open();
    document.getElementById('name')!.focus();
    actions.focus();
    expect(document.activeElement?.id).toBe('name');
  });

  it('returns the focus to what opened the dialog when the element that had it is gone', async () => {
    const { actions, portal, open } = page();
    actions.focus();
    // A menu item in the portal had the focus last, and is gone by the time the dialog closes.
    portal.innerHTML = '<div role="menu"><button id="item">Create a list</button></div>';
    document.getElementById('item')!.focus();
    await settled();
    open();
    document.getElementById('name')!.focus();
    await settled();
    portal.innerHTML = '';
    await settled();
    expect(document.activeElement?.id).toBe('actions');
  });

  it('leaves the focus alone when no dialog closed', async () => {
    const { other } = page();
    other.focus();
    other.blur();
    document.getElementById('root')!.append(document.createElement('p'));
    await settled();
    expect(document.activeElement).toBe(document.body);
  });

  it('lets a dropdown drawn above a dialog hold the focus', () => {
    const { portal, open } = page();
    open();
    const listbox = document.createElement('div');
    listbox.innerHTML = '<button id="option">Paris</button>';
    portal.append(listbox);
    document.getElementById('option')!.focus();
    expect(document.activeElement?.id).toBe('option');
  });

  it('opens a menu button with ArrowDown', () => {
    const { actions } = page();
    let clicks = 0;
    actions.addEventListener('click', () => clicks++);
    actions.focus();
    const event = new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true });
    actions.dispatchEvent(event);
    expect(clicks).toBe(1);
    expect(event.defaultPrevented).toBe(true);
    actions.setAttribute('aria-expanded', 'true');
    actions.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    expect(clicks).toBe(1);
  });
});
