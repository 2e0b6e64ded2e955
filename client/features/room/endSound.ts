// The end-of-stage sound on the room screen: a soft two-note chime from a Web Audio oscillator (no
// audio file), played once when the stage's time runs out, if the facilitator turned it on.
// Browsers only let a page make sound after a user gesture, so the screen asks once (`Enable
// sound`) and keeps the unlocked AudioContext for the rest of the session.
import { useEffect, useRef, useState } from 'react';
import type { TimerPhase } from '../../../shared/timer';

/** Two short sine notes, fading in and out (no click), about half a second in all. */
export function playChime(ctx: AudioContext): void {
  const start = ctx.currentTime + 0.02;
  [660, 880].forEach((frequency, i) => {
    const at = start + i * 0.22;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.25, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.32);
  });
}

export interface EndSound {
  /** The browser lets this page play sound (after `enable`, from a click). */
  ready: boolean;
  enable(): void;
}

/**
 * Plays the chime when `phase` turns to overtime in stage `stage` while `on`; never on loading a
 * page that is already in overtime, and once per stage however often the phase is rendered.
 */
export function useEndSound(on: boolean, stage: number, phase: TimerPhase): EndSound {
  const ctx = useRef<AudioContext | null>(null);
  const [ready, setReady] = useState(false);
  const last = useRef<{ stage: number; phase: TimerPhase } | null>(null);
  useEffect(() => {
    const prev = last.current;
    last.current = { stage, phase };
    if (!on || !ctx.current || !prev) return;
    if (phase === 'overtime' && prev.stage === stage && prev.phase !== 'overtime') playChime(ctx.current);
  }, [on, stage, phase]);
  useEffect(() => () => void ctx.current?.close(), []);
  return {
    ready,
    enable() {
      const Context = window.AudioContext;
      if (!Context) return;
      ctx.current ??= new Context();
      void ctx.current.resume().then(() => setReady(true));
    },
  };
}
