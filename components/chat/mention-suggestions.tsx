'use client';

import { createContext, type KeyboardEvent, type RefObject, type SyntheticEvent, useContext, useId, useLayoutEffect, useRef, useState } from 'react';
import { insertMention, mentionChoices, mentionTypedAt } from '@/lib/mentions';

// How many people the list shows at once.
const MENTION_CHOICES = 8;

type Person = { handle: string; displayName: string };

/** Who an `@` suggests in the open conversation (its other members), for its message box and its editors. */
export const MentionablePeople = createContext<Person[]>([]);

type Options = {
  input: RefObject<HTMLTextAreaElement | null>;
  body: string;
  setBody: (text: string) => void;
  /**
   * Where the list opens. The message box has the conversation above it; an editor sits in the scrolling
   * list of messages, whose top cuts off what would stick out above it, so its list opens below.
   */
  placement: 'above' | 'below';
};

/**
 * Suggests the people of the conversation while an `@handle` is being typed, as Slack, Zulip and Element
 * do: nobody has to know a handle by heart. Up and Down choose, Enter or Tab writes the handle, Escape
 * closes the list for that mention; a click or a tap writes it too. The message box keeps its role
 * (a textbox) and points at the list and its active option (aria-controls, aria-activedescendant).
 */
export function useMentionSuggestions({ input, body, setBody, placement }: Options) {
  const people = useContext(MentionablePeople);
  // The message box's list and an editor's can be on the page at once.
  const listboxId = `mention-suggestions${useId()}`;
  const optionId = (index: number) => `${listboxId}-${index}`;
  // Where the caret is while the box has focus (null: no focus, or a selection).
  const [caret, setCaret] = useState<number | null>(null);
  // The mention (by where its @ is) that Escape closed the list for.
  const [closedAt, setClosedAt] = useState<number | null>(null);
  // The person chosen with the arrows (null: the first): kept by handle, so someone leaving the
  // conversation while the list is open does not move the choice onto someone else.
  const [activeHandle, setActiveHandle] = useState<string | null>(null);
  const typed = caret === null ? null : mentionTypedAt(body, caret);
  // All that match, for the count said; the list shows the first few (a big group's "@a" matches dozens).
  const matches = typed && typed.start !== closedAt ? mentionChoices(people, typed.query, Infinity) : [];
  const choices = matches.slice(0, MENTION_CHOICES);
  const open = choices.length > 0;
  const activeIndex = Math.max(choices.findIndex((person) => person.handle === activeHandle), 0);

  // The caret's place once the written handle is in the box.
  const caretAfter = useRef<number | null>(null);
  useLayoutEffect(() => {
    const element = input.current;
    if (caretAfter.current === null || !element) return;
    element.setSelectionRange(caretAfter.current, caretAfter.current);
    setCaret(caretAfter.current);
    caretAfter.current = null;
  }, [body, input]);

  const choose = (person: Person) => {
    if (!typed) return;
    const written = insertMention(body, typed, person.handle);
    setActiveHandle(null);
    if (written.body === body) {
      // The handle was already there in full: nothing to render, so the caret moves past it here.
      input.current?.setSelectionRange(written.caret, written.caret);
      return setCaret(written.caret);
    }
    caretAfter.current = written.caret;
    setBody(written.body);
  };

  // The list shows whole where it opens (an editor's, below the newest message, would be cut off by the
  // bottom of the messages), and its active option stays wholly in view as the arrows move it.
  useLayoutEffect(() => {
    if (!open) return;
    document.getElementById(listboxId)?.scrollIntoView({ block: 'nearest' });
    document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
    // The ids are this hook's own, stable for its life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, activeIndex]);

  /** Follows the caret: call on the box's change, select, focus and blur. */
  const trackCaret = (event: SyntheticEvent<HTMLTextAreaElement>) => {
    const element = event.currentTarget;
    const next = event.type === 'blur' || element.selectionStart !== element.selectionEnd ? null : element.selectionStart;
    if (next === caret) return;
    setCaret(next);
    // A different mention (or none) starts again at the first choice; Escape's close lasts for its own mention only.
    const nextTyped = next === null ? null : mentionTypedAt(element.value, next);
    if (nextTyped?.start !== typed?.start || nextTyped?.query !== typed?.query) setActiveHandle(null);
    if (nextTyped?.start !== closedAt) setClosedAt(null);
  };

  /** The box's keys while the list is open; true when the key was the list's. */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open || event.altKey || event.ctrlKey || event.metaKey || event.nativeEvent.isComposing) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') setActiveHandle(choices[(activeIndex + (event.key === 'ArrowDown' ? 1 : choices.length - 1)) % choices.length].handle);
    else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) choose(choices[activeIndex]);
    else if (event.key === 'Escape') setClosedAt(typed!.start);
    else return false;
    event.preventDefault();
    event.stopPropagation();
    return true;
  };

  const inputProps = {
    'aria-autocomplete': 'list' as const,
    'aria-controls': open ? listboxId : undefined,
    'aria-activedescendant': open ? optionId(activeIndex) : undefined,
  };

  const list = (
    <>
      {/* Said once per change of what matches, not per arrow press (the active option is read by itself). */}
      <p role="status" className="sr-only">
        {!open
          ? ''
          : matches.length > choices.length
            ? `${choices.length} of ${matches.length} people to mention: type more of the name to find the others; Up and Down to choose, Enter to pick.`
            : `${choices.length} ${choices.length === 1 ? 'person' : 'people'} to mention: Up and Down to choose, Enter to pick.`}
      </p>
      {open && (
        <ul
          id={listboxId}
          role="listbox"
          aria-label="People to mention"
          className={`absolute left-0 z-20 ${placement === 'above' ? 'bottom-full mb-1' : 'top-full mt-1'} max-h-72 w-72 max-w-full overflow-y-auto rounded-md border border-slate-300 bg-surface py-1 shadow-lg`}
        >
          {choices.map((person, index) => (
            <li
              key={person.handle}
              id={optionId(index)}
              role="option"
              aria-selected={index === activeIndex}
              // A press (a tap) leaves focus in the box, so typing goes on after the handle.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(person)}
              className={`flex min-h-8 cursor-pointer items-baseline gap-2 px-3 py-1 ${index === activeIndex ? 'bg-indigo-100' : 'hover:bg-slate-100'}`}
            >
              <span className="truncate font-medium">{person.displayName}</span>
              <span className="shrink-0 text-sm text-slate-600">@{person.handle}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );

  return { inputProps, trackCaret, onKeyDown, list };
}
