import { useRef } from 'react';

/**
 * The merge-tag menu hands focus back to its button when it closes, a moment after a tag was
 * picked: this sends it on to the field the tag went into, so that typing goes on there.
 * Spread `onFocusCapture` on an element around the menu; call `inserted()` when a tag is.
 */
export function useFocusBack(focusField: () => void): { inserted(): void; onFocusCapture(): void } {
  const until = useRef(0);
  const field = useRef(focusField);
  field.current = focusField;
  return {
    inserted: () => {
      until.current = Date.now() + 1000;
    },
    onFocusCapture: () => {
      if (Date.now() > until.current) return;
      until.current = 0;
      field.current();
    },
  };
}
