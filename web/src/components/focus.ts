/**
 * Keyboard rules Mantine leaves to the app, set once for every page:
 *
 * - An open dialog keeps the focus. Mantine traps Tab inside a Modal but lets a late focus()
 *   land behind it: a Menu returns the focus to its button 10 ms after it closes, which is after
 *   the dialog one of its items opened took the focus, so typed text went to the Actions button.
 *   Focus that lands on the page behind an open dialog is sent back into the dialog.
 * - Closing a dialog returns the focus to what opened it. Mantine returns it to what had the
 *   focus when the dialog opened: for a dialog opened from a menu, a menu item that is gone by
 *   then, so the focus fell to the top of the page. When it falls to nothing, it goes back to
 *   the last element outside the dialog that still exists (the menu's button).
 * - ArrowDown on a menu button opens its menu on the first item (the WAI-ARIA menu button).
 */

const DIALOG = '[role="dialog"][aria-modal="true"]';
const TABBABLE = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

export function installFocusRules(doc: Document): () => void {
  const view = doc.defaultView!;
  /** What had the focus lately, newest last: where it returns when a dialog closes. */
  let history: HTMLElement[] = [];
  const openDialogs = () => [...doc.querySelectorAll<HTMLElement>(DIALOG)].filter((d) => d.isConnected);
  const inOpenDialog = (el: Element) => el.closest(DIALOG) !== null;
  /** Dropdowns (menus, pickers) are drawn above a dialog in portals of their own: they may hold the focus. */
  const inPortal = (el: Element) => el.closest('[data-portal]') !== null;

  const intoDialog = (dialog: HTMLElement) => {
    const target = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? [...dialog.querySelectorAll<HTMLElement>(TABBABLE)].find((el) => el.offsetParent !== null) ?? dialog;
    target.focus({ preventScroll: true });
  };

  const onFocusIn = (event: FocusEvent) => {
    const target = event.target;
    if (!(target instanceof view.HTMLElement)) return;
    history = [...history.filter((el) => el !== target && el.isConnected), target].slice(-20);
    const dialogs = openDialogs();
    const top = dialogs.at(-1);
    if (top && !inOpenDialog(target) && !inPortal(target)) intoDialog(top);
  };

  // Focus falls to <body> when the element holding it is removed: a dialog that closed.
  let known: HTMLElement[] = [];
  const observer = new view.MutationObserver(() => {
    const closed = known.some((dialog) => !dialog.isConnected);
    const dialogs = openDialogs();
    known = dialogs;
    if (!closed || (doc.activeElement && doc.activeElement !== doc.body)) return;
    const back = [...history].reverse().find((el) => el.isConnected && (dialogs.length === 0 ? !inOpenDialog(el) : dialogs.at(-1)!.contains(el)));
    back?.focus({ preventScroll: true });
  });
  observer.observe(doc.body, { childList: true, subtree: true });

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target;
    if (event.key !== 'ArrowDown' || !(target instanceof view.HTMLElement)) return;
    if (target.getAttribute('aria-haspopup') !== 'menu' || target.getAttribute('aria-expanded') === 'true') return;
    event.preventDefault();
    target.click();
    // Mantine focuses the menu once it is drawn; the first item takes it from there.
    let frames = 0;
    const firstItem = () => {
      const menu = doc.getElementById(target.getAttribute('aria-controls') ?? '');
      const item = menu?.querySelector<HTMLElement>('[data-menu-item]:not(:disabled):not([data-disabled])');
      if (item && menu!.contains(doc.activeElement)) item.focus();
      else if (frames++ < 60) view.requestAnimationFrame(firstItem);
    };
    view.requestAnimationFrame(firstItem);
  };

  doc.addEventListener('focusin', onFocusIn);
  doc.addEventListener('keydown', onKeyDown);
  return () => {
    observer.disconnect();
    doc.removeEventListener('focusin', onFocusIn);
    doc.removeEventListener('keydown', onKeyDown);
  };
}
