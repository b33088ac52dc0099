import { useEffect, useRef, useState, type RefObject } from 'react';

const DEBOUNCE_MS = 250;

interface SearchBoxProps {
  readonly inputRef: RefObject<HTMLInputElement | null>;
  /** Called with the trimmed text after typing pauses ('' ends the search). */
  readonly onSearch: (text: string) => void;
}

export function SearchBox({ inputRef, onSearch }: SearchBoxProps) {
  const [text, setText] = useState('');
  // What the list shows now: the box starting empty (or only blanks added) changes nothing,
  // and must not reset the selection made meanwhile.
  const searched = useRef('');
  useEffect(() => {
    const query = text.trim();
    if (query === searched.current) return;
    const timer = setTimeout(() => {
      searched.current = query;
      onSearch(query);
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
