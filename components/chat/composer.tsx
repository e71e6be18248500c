'use client';

import { type FormEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  carryDraft,
  changeDraftFiles,
  clearDraftIf,
  clearDraftReplyIf,
  type DraftReply,
  draftFileExpired,
  draftFilesKey,
  draftKey,
  draftReplyKey,
  loadDraft,
  loadDraftFiles,
  loadDraftReply,
  parseDraftFiles,
  parseDraftReply,
  saveDraft,
  saveDraftReply,
} from '@/lib/drafts';
import { excerptOf } from '@/lib/message-excerpt';
import { lengthLeft, lengthProblem } from '@/lib/message-length';
import { enterSubmits } from './enter-submits';
import { useMentionSuggestions } from './mention-suggestions';
import { focusAtEnd } from '../ui/focus-at-end';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';
import { writeTime } from '@/lib/outbox';
import { type DraftFile, MAX_ATTACHMENTS_PER_MESSAGE, type PublicUser } from '@/lib/schemas';
import { isInvisible } from '@/lib/text-rules';
import { keepLocalPreview } from '@/lib/local-previews';
import { type UploadError, uploadAttachment } from '@/lib/upload-attachment';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';

/** A file being uploaded, or failed to (kept for Retry when trying again may help). Once uploaded it joins the conversation's waiting files. */
type Upload = { key: string; file: File; picked: number; progress: number; error?: string; retryable?: boolean; abort: () => void };

/** The message box's id: the conversation's "Skip to the message box" focuses it. */
export const MESSAGE_INPUT_ID = 'message-input';
/** The reply bar's words, the message box's description while replying. */
const REPLYING_TO_ID = 'message-replying-to';

type Props = {
  /** The conversation the draft belongs to: a room id, or `to:<handle>` before the room exists. */
  conversation: string;
  /** Where text typed before the room existed was kept (`to:<handle>`): it carries over, not lost. */
  carriedFrom?: string;
  roomId: string | null;
  draftPeer: PublicUser | null;
  disabled?: boolean;
  placeholder?: string;
  onSent?: () => void;
  /** Display names for "Replying to …". */
  nameOf?: (handle: string) => string;
};

/**
 * Follows what the browser's other tabs write under a localStorage key (`null`: none), and reads it once
 * more whenever the key changes, for a write made before the listener was attached.
 */
function useOtherTabsWrites(key: string | null, apply: (stored: string | null) => void) {
  useEffect(() => {
    if (key === null) return;
    const follow = (event: StorageEvent) => {
      if (event.key === key) apply(event.newValue);
    };
    window.addEventListener('storage', follow);
    apply(localStorage.getItem(key));
    return () => window.removeEventListener('storage', follow);
    // `apply` only sets this component's state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** Writes into the outbox; the chat client sends it in order whenever the connection allows. */
export function Composer({ conversation, carriedFrom, roomId, draftPeer, disabled, placeholder, onSent, nameOf = (handle) => handle }: Props) {
  const store = useChatStore();
  const client = useChatClient();
  const me = useChat((state) => state.me.handle);
  // Each conversation keeps its own draft, across reloads. The composer is remounted per conversation
  // (a direct one is the same conversation before and after its room exists) and only ever rendered in
  // the browser (the open conversation comes from the URL after hydration).
  // The draft is one value shared by the browser's tabs, and every tab shows it: text is stored only
  // when typed here, so no tab replaces or clears what another has that the user cannot see.
  const [body, setText] = useState(() => {
    if (carriedFrom) carryDraft(me, carriedFrom, conversation);
    return loadDraft(me, conversation);
  });
  // The first message to someone creates the room: the text being typed moves to it, same composer.
  // A layout effect, so no keystroke lands between the new room and the move.
  const keptUnder = useRef(conversation);
  useLayoutEffect(() => {
    if (keptUnder.current === conversation) return;
    carryDraft(me, keptUnder.current, conversation);
    keptUnder.current = conversation;
    setText(loadDraft(me, conversation));
  }, [me, conversation]);
  // What another tab types, sends or clears shows here too.
  useOtherTabsWrites(draftKey(me, conversation), (stored) => setText(stored ?? ''));
  const setBody = (text: string) => {
    setText(text);
    saveDraft(me, conversation, text);
  };
  const input = useRef<HTMLTextAreaElement>(null);
  const mentions = useMentionSuggestions({ input, body, setBody, placement: 'above' });
  // Grows with its text up to a few lines.
  useEffect(() => {
    const element = input.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 160)}px`;
  }, [body]);

  // Leaving the conversation (another one opened, the page left) stops "is typing" there at once, draft or
  // not, rather than after it lapses.
  useEffect(() => () => void (roomId && client?.typing(roomId, false)), [roomId, client]);

  // A conversation the user opened (a person picked, a group created, a request accepted) takes the
  // typing focus when nothing holds it (the control used went with the view it was in). Not on a page
  // load (no gesture yet), nor on a touch screen, where it would pop the keyboard up.
  useEffect(() => {
    const focusFell = document.activeElement === null || document.activeElement === document.body;
    if (!disabled && focusFell && navigator.userActivation?.hasBeenActive && !window.matchMedia('(pointer: coarse)').matches) focusAtEnd(input.current);
  }, [disabled]);

  // Reply: the message this draft answers, kept with the draft (lib/drafts.ts): across conversation
  // switches, reloads and tabs. Asked for by the message's Reply action, in this conversation only.
  const [replyingTo, setReply] = useState<DraftReply | null>(() => (roomId ? loadDraftReply(me, roomId) : null));
  useOtherTabsWrites(roomId ? draftReplyKey(me, roomId) : null, (stored) => setReply(parseDraftReply(stored)));
  const changeReply = (reply: DraftReply | null) => {
    setReply(reply);
    if (roomId) saveDraftReply(me, roomId, reply);
  };
  const asked = useChat((state) => (state.replyRequest && state.replyRequest.roomId === roomId ? state.replyRequest : null));
  useEffect(() => {
    if (!asked) return;
    store.getState().requestReply(null);
    changeReply({ id: asked.id, roomId: asked.roomId, sender: asked.sender, excerpt: excerptOf(asked) });
    focusAtEnd(input.current);
  }, [asked]);
  // Deleted (or edited) while the reply is being written: the bar shows it as it is now, when loaded.
  const quoted = useChat((state) => (replyingTo ? state.messagesByRoom[replyingTo.roomId]?.find((message) => message.id === replyingTo.id) : undefined));
  const quotedText = quoted ? (quoted.deleted ? 'Message deleted' : excerptOf(quoted)) : (replyingTo?.excerpt ?? '');
  const cancelReply = () => changeReply(null);

  // Files are uploaded as soon as they are picked; the message carries the ids of those that arrived,
  // which wait with the draft (lib/drafts.ts), across conversation switches, reloads and tabs.
  const [uploads, setUploads] = useState<Upload[]>([]);
  const patchUpload = (key: string, patch: Partial<Upload>) => setUploads((list) => list.map((upload) => (upload.key === key ? { ...upload, ...patch } : upload)));
  const [readyAsDone, setReady] = useState<DraftFile[]>(() => (roomId ? loadDraftFiles(me, roomId) : []));
  // Files finish uploading in any order (a picture is re-encoded first): they are listed and sent in the
  // order picked. Ones this page did not pick (another tab's, or from before a reload) keep theirs, first.
  const pickedOrder = useRef(new Map<string, number>());
  const picks = useRef(0);
  const ready = useMemo(
    () => [...readyAsDone].sort((a, b) => (pickedOrder.current.get(a.id) ?? -1) - (pickedOrder.current.get(b.id) ?? -1)),
    [readyAsDone],
  );
  const changeReady = (change: Parameters<typeof changeDraftFiles>[2]) => roomId && setReady(changeDraftFiles(me, roomId, change));
  useOtherTabsWrites(roomId ? draftFilesKey(me, roomId) : null, (stored) => setReady(parseDraftFiles(stored)));
  // A file's row going (removed, or moved on once uploaded) or its Retry becoming a progress bar: focus
  // goes to the row now in its place, else to the message box, never to <body>.
  const filesList = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(filesList, [...ready, ...uploads], input);
  const readyRow = (file: DraftFile, key: string) => (
    <li key={key} className="flex flex-wrap items-center gap-2">
      <span className="min-w-0 break-all">{file.name}</span>
      {draftFileExpired(file, checkedAt) ? <span className="text-xs text-red-800">Expired</span> : <span className="text-xs text-slate-600">Ready</span>}
      {/* The same key in both rows: the focused Remove stays the same button when the upload finishes. */}
      <button key="remove" type="button" onClick={() => removeReady(file)} aria-label={`Remove ${file.name}`} className="min-h-6 rounded border border-slate-300 px-2 text-xs">
        Remove
      </button>
    </li>
  );
  const uploadRow = (upload: Upload, key: string) => (
    <li key={key} className="flex flex-wrap items-center gap-2">
      <span className="min-w-0 break-all">{upload.file.name}</span>
      {upload.error ? (
        <span role="alert" className="text-red-800">
          {upload.error}
        </span>
      ) : (
        <progress aria-label={`Uploading ${upload.file.name}`} value={upload.progress} max={1} className="h-2 w-32" />
      )}
      {upload.error && upload.retryable && (
        <button type="button" onClick={() => retryUpload(upload)} aria-label={`Retry ${upload.file.name}`} className="min-h-6 rounded border border-slate-300 px-2 text-xs">
          Retry
        </button>
      )}
      <button key="remove" type="button" onClick={() => removeUpload(upload)} aria-label={`Remove ${upload.file.name}`} className="min-h-6 rounded border border-slate-300 px-2 text-xs">
        Remove
      </button>
    </li>
  );
  const uploading = uploads.some((upload) => !upload.error);
  // A file that did not upload holds the message: sent without it, it would be lost without a word.
  const failed = uploads.some((upload) => upload.error);
  // Every failure is one trying again may cure (no connection, a busy server): Send then waits for them.
  const failedForNow = failed && uploads.every((upload) => !upload.error || upload.retryable);
  const connected = useChat((state) => state.connected);
  // A file that finished uploading, said to screen readers (its row's "Ready" is not read by itself) in a
  // live region that is always on the page: one added together with its words is often not read.
  const [uploadNews, setUploadNews] = useState('');
  // Why some picked files were not added (past MAX_ATTACHMENTS_PER_MESSAGE).
  const [notAdded, setNotAdded] = useState('');
  // Send pressed while files were still uploading: the message goes once they are done.
  const [sendWhenUploaded, setSendWhenUploaded] = useState(false);
  // Leaving the conversation cancels uploads still on their way (an unsent upload is swept by the server).
  const current = useRef(uploads);
  current.current = uploads;
  useEffect(() => () => current.current.forEach((upload) => upload.abort()), []);

  /** Starts (or restarts) one file's upload under its row's key. */
  function startUpload(key: string, file: File, picked: number) {
    const handle = uploadAttachment(roomId!, file, (progress) => patchUpload(key, { progress }));
    handle.done.then(
      (attachment) => {
        keepLocalPreview(attachment.id, file);
        setUploadNews(`${attachment.name} is ready to send.`);
        pickedOrder.current.set(attachment.id, picked);
        setUploads((list) => list.filter((upload) => upload.key !== key));
        changeReady({ add: [attachment] });
      },
      (error: UploadError) => patchUpload(key, { error: error.message, retryable: error.retryable }),
    );
    return handle.abort;
  }
  const cannotAttach = disabled ? 'Nothing can be sent in this conversation.' : roomId ? '' : 'Files can be attached once the conversation has started.';
  function attach(files: FileList | null) {
    if (!files || files.length === 0) return;
    if (cannotAttach) return setNotAdded(cannotAttach);
    setSendWhenUploaded(false);
    const room = MAX_ATTACHMENTS_PER_MESSAGE - ready.length - uploads.length;
    const left = files.length - Math.max(room, 0);
    setNotAdded(left > 0 ? `At most ${MAX_ATTACHMENTS_PER_MESSAGE} files per message: ${left} ${left === 1 ? 'was' : 'were'} not added.` : '');
    for (const file of [...files].slice(0, Math.max(room, 0))) {
      const key = crypto.randomUUID();
      const picked = picks.current++;
      const abort = startUpload(key, file, picked);
      setUploads((list) => [...list, { key, file, picked, progress: 0, abort }]);
    }
  }
  // Files dropped anywhere on the page go to the open conversation, as Slack and WhatsApp Web take them;
  // a drop left to the browser would open the file in place of the chat.
  const attachLatest = useRef(attach);
  attachLatest.current = attach;
  const [dropping, setDropping] = useState(false);
  useEffect(() => {
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer!.dropEffect = 'copy';
      setDropping(true);
    };
    // Leaving the window (no element to go to) or giving up the drag.
    const leave = (event: DragEvent) => {
      if (!event.relatedTarget) setDropping(false);
    };
    const drop = (event: DragEvent) => {
      setDropping(false);
      if (!carriesFiles(event)) return;
      event.preventDefault();
      attachLatest.current(event.dataTransfer!.files);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  const retryUpload = (item: Upload) => patchUpload(item.key, { error: undefined, progress: 0, abort: startUpload(item.key, item.file, item.picked) });
  const retryFailedForNow = () => current.current.forEach((item) => item.error && item.retryable && retryUpload(item));
  const removeUpload = (item: Upload) => {
    item.abort();
    setSendWhenUploaded(false);
    setNotAdded('');
    setUploads((list) => list.filter((other) => other.key !== item.key));
  };
  const removeReady = (file: DraftFile) => {
    setSendWhenUploaded(false);
    setNotAdded('');
    changeReady({ remove: [file.id] });
  };

  // Files that failed for want of a connection go again by themselves when it is back, as messages do.
  // The send Enter asked for while uploading is made when the last upload ends; offline, it waits for
  // the connection and those files; dropped if one failed otherwise (shown; the user decides). One effect:
  // the send must not be judged on the render the connection came back in, before the files go again.
  const wasConnected = useRef(connected);
  useEffect(() => {
    const cameBack = connected && !wasConnected.current;
    wasConnected.current = connected;
    if (cameBack && uploads.some((upload) => upload.error && upload.retryable)) return retryFailedForNow();
    if (!sendWhenUploaded || uploading) return;
    if (failedForNow && !connected) return;
    setSendWhenUploaded(false);
    if (!failed) send();
    // Only these say when; send reads this render's text and files.
  }, [sendWhenUploaded, uploading, failed, failedForNow, connected]);

  const overLength = lengthProblem(body);
  const left = lengthLeft(body);
  // Files the server would refuse, which would fail the whole message: ones left unsent past their
  // expiry (the server deleted them), or more than a message holds (two tabs each adding files). Judged
  // again at each send (a file may expire while the composer sits open), and shown as of then.
  const [checkedAt, setCheckedAt] = useState(() => Date.now());
  const filesProblemAt = (now: number) => {
    const expired = ready.filter((file) => draftFileExpired(file, now)).length;
    if (expired > 0) {
      return `${expired === 1 ? 'A file' : `${expired} files`} waited too long to be sent and ${expired === 1 ? 'is' : 'are'} gone from the server: remove ${expired === 1 ? 'it' : 'them'} and attach again to send.`;
    }
    return ready.length > MAX_ATTACHMENTS_PER_MESSAGE ? `At most ${MAX_ATTACHMENTS_PER_MESSAGE} files per message: remove ${ready.length - MAX_ATTACHMENTS_PER_MESSAGE} to send.` : '';
  };
  const filesProblem = filesProblemAt(checkedAt);
  /** Whether the files stop the message now; if they do, the composer says why. */
  const filesRefused = () => {
    const now = Date.now();
    setCheckedAt(now);
    return filesProblemAt(now) !== '';
  };
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    // Blank or only invisible characters: nothing to send (the server would refuse it as empty).
    if ((isInvisible(body) && ready.length + uploads.length === 0) || overLength || (failed && !failedForNow) || filesRefused() || disabled) return;
    if (failedForNow && connected) retryFailedForNow();
    if (uploading || failedForNow) setSendWhenUploaded(true);
    else send();
  }

  function send() {
    if ((isInvisible(body) && ready.length === 0) || overLength || filesRefused() || disabled) return;
    const target = roomId ? { roomId } : { to: draftPeer!.handle };
    const reply = replyingTo ? { replyToId: replyingTo.id, replyQuote: { sender: nameOf(replyingTo.sender), excerpt: quotedText } } : {};
    const attachments = ready.map(({ expiresAt: _, ...attachment }) => attachment);
    const files = ready.length > 0 ? { attachmentIds: ready.map((attachment) => attachment.id), attachments } : {};
    store.getState().enqueue({ ...target, ...reply, ...files, clientMsgId: crypto.randomUUID(), body, createdAt: writeTime(), queuedAt: Date.now(), status: 'pending' });
    // Sent, it is no longer the draft; a different one another tab wrote meanwhile stays, and shows here.
    clearDraftIf(me, conversation, body);
    setText(loadDraft(me, conversation));
    if (ready.length > 0) changeReady({ remove: ready.map((file) => file.id) });
    setNotAdded('');
    setUploadNews('');
    if (replyingTo && roomId) {
      clearDraftReplyIf(me, roomId, replyingTo.id);
      setReply(loadDraftReply(me, roomId));
    }
    if (roomId) client?.typing(roomId, false);
    onSent?.();
    void client?.flushOutbox();
  }

  return (
    <form onSubmit={onSubmit} className={`border-t border-slate-200 bg-surface p-2 md:p-3 ${dropping ? 'outline-dashed outline-2 -outline-offset-4 outline-indigo-500' : ''}`}>
      <p role="status" className="sr-only">
        {uploadNews}
      </p>
      {dropping && <p className="mb-2 text-sm font-medium text-indigo-800">{cannotAttach || 'Drop files to attach them to this message'}</p>}
      {replyingTo && (
        <div className="mb-2 flex items-center gap-2 rounded-md border-l-4 border-indigo-500 bg-slate-100 px-2 py-1 text-sm" data-testid="replying-to">
          <p id={REPLYING_TO_ID} className="min-w-0 flex-1 truncate">
            Replying to <span className="font-semibold">{replyingTo.sender === me ? 'yourself' : nameOf(replyingTo.sender)}</span>: {quotedText}
          </p>
          <button type="button" onClick={cancelReply} className="min-h-6 shrink-0 rounded border border-slate-300 bg-surface px-2 text-xs">
            Cancel reply
          </button>
        </div>
      )}
      {/* Always there, hidden when empty: it keeps focus when the row it was in goes (useFocusAfterRemoval). */}
      {/* At most a third of the screen, scrolling past it: ten files on a phone pushed Send off the screen. */}
      <ul ref={filesList} aria-label="Files to send" hidden={ready.length + uploads.length === 0} className={`mb-2 ${ready.length + uploads.length === 0 ? 'hidden' : 'flex'} max-h-[33dvh] flex-col gap-1 overflow-y-auto p-0.5 text-sm`}>
        {/* One list in the order picked, uploaded or not: a file keeps its row (and its place) when its
            upload finishes, so a Remove does not move from under the pointer. */}
        {[...ready.map((file) => ({ order: pickedOrder.current.get(file.id) ?? -1, file })), ...uploads.map((upload) => ({ order: upload.picked, upload }))]
          .sort((a, b) => a.order - b.order)
          .map((row) => ('file' in row ? readyRow(row.file, row.order >= 0 ? `picked-${row.order}` : row.file.id) : uploadRow(row.upload, `picked-${row.order}`)))}
      </ul>
      {/* Said in words beside Send: what holds the message, or why some files were left out. */}
      <div role="status" className="text-sm empty:hidden">
        {sendWhenUploaded && (!failed || failedForNow) ? (
          <p className="mb-2 flex items-center gap-2 text-slate-600">
            {failed && !connected ? 'Sending once the connection is back and the files are uploaded…' : 'Sending once the files are uploaded…'}
            <button
              type="button"
              onClick={() => {
                setSendWhenUploaded(false);
                // The button goes with the wait: back to the message, which is what is left to change.
                focusAtEnd(input.current);
              }}
              className="min-h-6 rounded border border-slate-300 px-2 text-xs"
            >
              Don&apos;t send yet
            </button>
          </p>
        ) : failed ? (
          <p className="mb-2 text-red-800">
            {failedForNow ? 'A file did not upload: retry it or remove it.' : 'A file was refused: remove it to send the message.'}
          </p>
        ) : null}
        {filesProblem && <p className="mb-2 text-red-800">{filesProblem}</p>}
        {notAdded && <p className="mb-2 text-slate-600">{notAdded}</p>}
      </div>
      {overLength && (
        <p role="alert" className="mb-2 text-sm text-red-800">
          {overLength}
        </p>
      )}
      {left && <p className="mb-1 text-right text-xs text-slate-600">{left}</p>}
      <div className="relative flex items-end gap-2">
        {mentions.list}
        <label
          title={roomId ? 'Attach file' : cannotAttach}
          className={`shrink-0 rounded-full border border-slate-300 px-3 py-2 focus-within:ring-2 focus-within:ring-indigo-500 ${roomId && !disabled ? 'cursor-pointer hover:bg-slate-100' : 'opacity-60'}`}
        >
          {/* A drawn paperclip: an emoji one needs an emoji font, which not every system has. */}
          <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5 fill-none stroke-current" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
            <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 01-7.8-7.8l8.6-8.6a3.7 3.7 0 015.2 5.2l-8.6 8.6a1.8 1.8 0 01-2.6-2.6l7.9-7.9" />
          </svg>
          <input
            type="file"
            multiple
            aria-label="Attach file"
            disabled={!roomId || disabled}
            onChange={(event) => {
              attach(event.target.files);
              event.target.value = '';
            }}
            className="sr-only"
          />
        </label>
        <textarea
          ref={input}
          id={MESSAGE_INPUT_ID}
          aria-label="Message"
          // Right to left when the text starts so (Arabic, Hebrew), as the message will show.
          dir="auto"
          // Focus moves here on Reply: a screen reader then says what the message will answer.
          aria-describedby={replyingTo ? REPLYING_TO_ID : undefined}
          {...mentions.inputProps}
          value={body}
          aria-invalid={overLength ? true : undefined}
          rows={1}
          disabled={disabled}
          onChange={(event) => {
            // A changed message waits for Send again, rather than going out half edited.
            setSendWhenUploaded(false);
            setBody(event.target.value);
            mentions.trackCaret(event);
            if (roomId) client?.typing(roomId, event.target.value.length > 0);
          }}
          onSelect={mentions.trackCaret}
          onFocus={mentions.trackCaret}
          onBlur={mentions.trackCaret}
          onPaste={(event) => {
            // A pasted picture (a screenshot) is attached. When the clipboard has text too, as copied
            // spreadsheet cells carry a picture of themselves, the text is what was meant.
            const clipboard = event.clipboardData;
            if (clipboard.files.length === 0 || clipboard.types.includes('text/plain')) return;
            event.preventDefault();
            attach(clipboard.files);
          }}
          onKeyDown={(event) => {
            if (mentions.onKeyDown(event)) return;
            if (event.key === 'Escape' && replyingTo) cancelReply();
            // As in Slack, Element and Mattermost: Up in an empty box edits your last message here.
            if (event.key === 'ArrowUp' && body === '' && roomId && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
              const last = store.getState().messagesByRoom[roomId]?.findLast((message) => message.sender === me && !message.deleted && message.kind !== 'system');
              if (last) {
                event.preventDefault();
                store.getState().requestEdit(last.id);
              }
            }
            if (enterSubmits(event)) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
          className="min-w-0 flex-1 resize-none rounded-2xl border border-slate-300 bg-surface px-3 py-2 disabled:bg-slate-100"
          placeholder={placeholder ?? 'Write a message'}
        />
        <button
          type="submit"
          disabled={disabled}
          // A press (a tap) while typing leaves focus in the box: on a phone, moving it would close the keyboard after every message.
          onMouseDown={(event) => document.activeElement === input.current && event.preventDefault()}
          className="shrink-0 rounded-full bg-indigo-700 px-4 py-2 font-medium text-white disabled:opacity-60"
        >
          Send
        </button>
      </div>
    </form>
  );
}
