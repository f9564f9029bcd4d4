// The pieces the settings views and forms are built of: one labelled fact, and one labelled control with
// the server's error for that field beneath it.
import type { ReactNode } from "react";

export function Fact({ label, mono, children }: { label: ReactNode; mono?: boolean; children: ReactNode }) {
  return (
    <div className="fact-pair">
      <dt>{label}</dt>
      <dd className={mono ? "mono" : undefined}>{children}</dd>
    </div>
  );
}

export function Field({
  name,
  label,
  error,
  wide,
  children,
}: {
  name: string;
  label: ReactNode;
  error?: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the children, inside the label
    <label className={`field${wide ? " field-wide" : ""}${error ? " field-invalid" : ""}`} data-field={name}>
      <span>{label}</span>
      {children}
      {error ? (
        <span className="field-error" data-testid={`error-${name}`} role="alert">
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** A free-text setting: its input, labelled, with the server's error for it. */
export function TextSetting({
  name,
  label,
  hint,
  value,
  error,
  wide,
  onChange,
}: {
  name: string;
  label: string;
  hint: string;
  value: string;
  error?: string;
  wide?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <Field name={name} label={label} error={error} wide={wide}>
      <input name={name} value={value} placeholder={hint} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}
