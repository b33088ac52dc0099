import { useEffect, useState, type RefObject } from 'react';

const DEBOUNCE_MS = 250;

interface SearchBoxProps {
  readonly inputRef: RefObject<HTMLInputElement | null>;
  /** Called with the trimmed text after typing pauses ('' ends the search). */
  readonly onSearch: (text: string) => void;
}

export function SearchBox({ inputRef, onSearch }: SearchBoxProps) {
  const [text, setText] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => {
      onSearch(text.trim());
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
    };
    // onSearch is a fresh callback each render; only the text starts a search.
  }, [text]);
  return (
    <search className="search">
      <input
        ref={inputRef}
        type="search"
        aria-label="Search messages"
        placeholder="Search (/)"
        maxLength={1024}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setText('');
        }}
      />
    </search>
  );
}
