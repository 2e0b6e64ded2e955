// Keyboard helpers for text fields.
import type { KeyboardEvent } from 'react';

/**
 * True while an input method (IME: Japanese, Chinese, Korean…) is composing: Enter then picks a
 * candidate and Escape cancels the composition, so neither may submit or close the field.
 * keyCode 229 covers Safari, whose composition-ending keydown has isComposing false.
 */
export const isComposing = (e: KeyboardEvent): boolean => e.nativeEvent.isComposing || e.keyCode === 229;
