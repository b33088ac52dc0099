import type { ComponentProps } from 'react';

type TextFieldProps = Omit<ComponentProps<'input'>, 'value' | 'onChange' | 'children'> & {
  /** The label's text; the input sits inside the label, so it is the input's accessible name. */
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
};

/** A labelled, controlled text input: `<label>{label}<input … /></label>`. */
export function TextField({ label, value, onChange, ...input }: TextFieldProps) {
  return (
    <label>
      {label}
      <input
        {...input}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
        }}
      />
    </label>
  );
}
