// The optional threshold of a bottleneck: what breaks and at what level, e.g. "Traffic: 20000
// concurrent users (checkout p99 > 2 s)", written as the decision log writes it (thresholdLine).
// Focus starts on its first field; Escape closes it like Cancel.
import { useId, useState, type FormEvent } from 'react';
import { isComposing } from '../../keys';
import { THRESHOLD_KINDS, type ThresholdKind } from '../../../shared/constants';
import type { Threshold } from '../../../shared/schema';

export function ThresholdEditor({
  value,
  onSave,
  onClose,
}: {
  value: Threshold | null;
  onSave: (t: Threshold | null) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [kind, setKind] = useState<ThresholdKind>(value?.kind ?? 'traffic');
  const [amount, setAmount] = useState(value?.value === null || value?.value === undefined ? '' : String(value.value));
  const [unit, setUnit] = useState(value?.unit ?? '');
  const [text, setText] = useState(value?.text ?? '');
  function submit(e: FormEvent) {
    e.preventDefault();
    const n = amount.trim() === '' ? null : Number(amount);
    onSave({ kind, value: n !== null && Number.isFinite(n) ? n : null, unit: unit.trim(), text: text.trim() });
    onClose();
  }
  return (
    <form
      className="threshold-editor"
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || isComposing(e)) return;
        e.preventDefault();
        onClose();
      }}
    >
      <p id={`${id}-title`} className="threshold-title">
        Set a threshold
      </p>
      <label>
        Threshold kind
        <select value={kind} autoFocus onChange={(e) => setKind(e.target.value as ThresholdKind)}>
          {THRESHOLD_KINDS.map((k) => (
            <option key={k.key} value={k.key}>
              {k.title}
            </option>
          ))}
        </select>
      </label>
      <div className="threshold-row">
        <label>
          Value
          <input type="number" inputMode="decimal" step="any" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </label>
        <label>
          Unit
          <input value={unit} maxLength={40} onChange={(e) => setUnit(e.target.value)} placeholder="concurrent users" />
        </label>
      </div>
      <label>
        What breaks
        <input value={text} maxLength={300} onChange={(e) => setText(e.target.value)} placeholder="checkout p99 > 2 s" />
      </label>
      <div className="note-actions">
        <button type="submit" className="primary">
          Save threshold
        </button>
        {value && (
          <button
            type="button"
            onClick={() => {
              onSave(null);
              onClose();
            }}
          >
            Remove threshold
          </button>
        )}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
