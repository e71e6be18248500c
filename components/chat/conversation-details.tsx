'use client';

import { type FormEvent, type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { problemInWords } from '@/lib/form-problems';
import { PRESENCE_POLL_MS } from '@/lib/realtime/chat-client';
import { addMemberSchema, type RoomSummary } from '@/lib/schemas';
import { shownPresence } from '@/lib/stores/chat-store';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { useFocusAfterRemoval } from '../ui/use-focus-after-removal';
import { Avatar } from './avatar';
import { ConfirmButton } from './confirm-button';
import { invitedNotice } from './new-group-form';
import { PresenceDot } from './presence-label';
import { RenameGroupControl } from './rename-group-control';
import { RoomNotificationControl } from '../notifications/room-notification-control';

/** The details panel: members, adding people, renaming a group, and the actions on the conversation (block, leave). */
export function ConversationDetails({ room, focusAdd, onClose }: { room: RoomSummary; focusAdd: boolean; onClose: () => void }) {
  const me = useChat((state) => state.me);
  const presence = useChat(shownPresence);
  const store = useChatStore();
  const client = useChatClient();
  const [error, setError] = useState<string | null>(null);
  // Who was invited from here: said while the invite is open (once the list has it, until it lists it no
  // more: answered, or withdrawn here or elsewhere), never of someone who joined.
  const [asked, setAsked] = useState<{ handle: string; listed: boolean } | null>(null);
  const askedIsInvited = Boolean(asked && (room.invited ?? []).includes(asked.handle));
  useEffect(() => {
    if (askedIsInvited) setAsked((current) => current && { ...current, listed: true });
  }, [askedIsInvited]);
  const askedJoined = Boolean(asked && room.members.some((member) => member.handle === asked.handle));
  const notice = asked && !askedJoined && (askedIsInvited || !asked.listed) ? invitedNotice([asked.handle]) : null;
  const isGroup = room.kind === 'group';
  const isOwner = isGroup && room.owner === me.handle;
  const peer = !isGroup ? room.members.find((member) => member.handle !== me.handle) : undefined;
  const panel = useRef<HTMLElement>(null);
  const addInput = useRef<HTMLInputElement>(null);
  // A member leaving (or removed from another tab) while focus is in their row: it goes to the next row.
  const memberList = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(memberList, room.members, addInput);

  useEffect(() => {
    if (focusAdd && addInput.current) addInput.current.focus();
    else panel.current?.querySelector<HTMLElement>('h3')?.focus();
  }, [focusAdd]);

  // The members' status is asked for while the panel is open: the server pushes changes only through
  // small groups, so a big group's would otherwise never show, or go stale.
  const others = room.members.map((member) => member.handle).filter((handle) => handle !== me.handle).join(' ');
  useEffect(() => {
    if (!client || !others) return;
    const ask = () => void client.askPresence(others.split(' '));
    ask();
    const timer = setInterval(ask, PRESENCE_POLL_MS);
    return () => clearInterval(timer);
  }, [client, others]);

  /** Runs an action and refreshes the lists; false (with the error shown) if it failed. */
  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      await client?.refreshRooms();
      return true;
    } catch (failure) {
      setError((failure as Error).message);
      return false;
    }
  }

  async function removeMember(handle: string) {
    // Their row (and the focused button in it) goes: the Add field is the next useful stop.
    if (await run(() => apiFetch(`/api/v1/groups/${room.id}/users/${handle}`, { method: 'DELETE' }))) addInput.current?.focus();
  }

  async function addPerson(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const handle = String(new FormData(form).get('handle') ?? '').trim().replace(/^@/, '').toLowerCase();
    if (!handle) return;
    const problem = problemInWords(addMemberSchema, { handle }, () => `"${handle}" is not a handle: it`);
    if (problem) return setError(problem);
    setAsked(null);
    await run(async () => {
      // In a direct conversation the server starts a new group with all three and returns it.
      const reply = await apiFetch<{ room?: RoomSummary; invited?: boolean }>(`/api/v1/groups/${room.id}/users`, { method: 'POST', body: JSON.stringify({ handle }) });
      // A stranger to the owner is invited, not added: without this the owner sees nothing happen.
      if (reply.invited) setAsked({ handle, listed: false });
      if (reply.room) {
        await client?.refreshRooms();
        store.getState().openRoom(reply.room.id);
      }
      form.reset();
    });
  }

  return (
    <aside
      ref={panel}
      aria-label="Conversation details"
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
      className="absolute inset-0 z-30 flex flex-col overflow-y-auto border-l border-slate-200 bg-surface p-4 text-sm shadow-xl md:left-auto md:w-80"
    >
      <div className="flex items-center justify-between">
        <h3 tabIndex={-1} className="text-base font-semibold outline-none">
          Details
        </h3>
        <button type="button" onClick={onClose} className="rounded border border-slate-300 px-2 py-1">
          Close
        </button>
      </div>
      {/* On a phone the header has no room for it: the conversation's notification level lives here too. */}
      <div className="mt-4 md:hidden">
        <RoomNotificationControl room={room} />
      </div>
      {isOwner && <RenameGroupControl room={room} onRenamed={() => client?.refreshRooms()} />}
      <h4 className="mt-4 text-xs font-semibold uppercase text-slate-600">{isGroup ? 'Members' : 'People'}</h4>
      <ul ref={memberList} aria-label="Members" className="mt-1 space-y-2">
        {room.members.map((member) => (
          <li key={member.handle} className="flex flex-wrap items-center gap-2">
            <Avatar handle={member.handle} name={member.displayName} url={member.avatarUrl} size="sm" />
            {/* Name over handle: side by side, with a button beside them, a panel this narrow cut both short. */}
            <span className="min-w-0 flex-1">
              {/* The name is cut, never the owner tag after it. */}
              <span className="flex min-w-0 items-baseline gap-1">
                <span className="truncate" title={member.displayName}>
                  {member.displayName}
                </span>
                {room.owner === member.handle && <span className="shrink-0 text-xs text-indigo-800">owner</span>}
              </span>
              <span className="block truncate text-xs text-slate-600">@{member.handle}</span>
            </span>
            {member.handle !== me.handle && <PresenceDot status={presence[member.handle]} />}
            {isOwner && member.handle !== me.handle && (
              <ConfirmButton
                // Short on screen, so the name beside it is not cut to a letter; the handle is in its name.
                label="Remove"
                labelEnd={member.handle}
                question={`Remove ${member.displayName} from the group?`}
                confirmLabel="Remove"
                onConfirm={() => removeMember(member.handle)}
              />
            )}
          </li>
        ))}
      </ul>
      {isOwner && <PendingInvites roomId={room.id} asked={asked?.handle ?? null} fallback={addInput} />}
      {(isOwner || !isGroup) && (
        <form onSubmit={addPerson} className="mt-4 flex gap-2">
          <label className="min-w-0 flex-1">
            <span className="sr-only">Handle to add</span>
            <input ref={addInput} name="handle" placeholder="handle to add" className="w-full rounded border border-slate-300 bg-surface px-2 py-1" />
          </label>
          <button type="submit" className="rounded bg-indigo-700 px-3 py-1 text-white">
            Add
          </button>
        </form>
      )}
      <p role="status" className="mt-1 text-slate-700">
        {notice}
      </p>
      {!isGroup && <p className="mt-1 text-xs text-slate-600">Adding someone starts a new group; this conversation stays private.</p>}
      <div className="mt-6 border-t border-slate-200 pt-4">
        {peer && <BlockControl handle={peer.handle} />}
        {isGroup && (
          <ConfirmButton
            label="Leave group"
            question={isOwner && room.members.length > 1 ? 'Leave this group? You own it: the member who has been in it longest becomes its owner.' : 'Leave this group?'}
            confirmLabel="Leave"
            onConfirm={() => run(() => apiFetch(`/api/v1/groups/${room.id}/users/${me.handle}`, { method: 'DELETE' }))}
          />
        )}
      </div>
      {error && (
        <p role="alert" className="mt-2 text-red-800">
          {error}
        </p>
      )}
    </aside>
  );
}

type PendingInvite = { handle: string; displayName: string; createdAt: string };

/** The owner's open invites to the group (they join once they accept), each with a way to take it back. */
function PendingInvites({ roomId, asked, fallback }: { roomId: string; asked: string | null; fallback: RefObject<HTMLInputElement | null> }) {
  const [invites, setInvites] = useState<PendingInvite[]>([]);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  useFocusAfterRemoval(list, invites, fallback);
  const load = useCallback(
    () =>
      apiFetch<{ invites: PendingInvite[] }>(`/api/v1/groups/${roomId}/invites`).then(
        ({ invites: open }) => setInvites(open),
        (failure) => setError((failure as Error).message),
      ),
    [roomId],
  );
  // Again after each invite sent from here (`asked` is its notice), and whenever the room's summary says the
  // members or the invited changed (room:updated): answered, or sent or withdrawn in another tab.
  const version = useChat((state) => {
    const room = state.rooms[roomId];
    return room ? `${room.members.length} ${(room.invited ?? []).join(' ')}` : '';
  });
  useEffect(() => void load(), [load, asked, version]);

  async function withdraw(handle: string) {
    setError(null);
    try {
      await apiFetch(`/api/v1/groups/${roomId}/invites/${encodeURIComponent(handle)}`, { method: 'DELETE' });
    } catch (failure) {
      setError((failure as Error).message);
    }
    await load();
  }

  return (
    <>
      {invites.length > 0 && <h4 className="mt-4 text-xs font-semibold uppercase text-slate-600">Invited</h4>}
      <ul ref={list} aria-label="Invited" className="mt-1 space-y-2">
        {invites.map((invite) => (
          <li key={invite.handle} className="flex flex-wrap items-center gap-2">
            <span className="min-w-0 flex-1 truncate">
              {invite.displayName} <span className="text-slate-600">@{invite.handle}</span> <span className="text-xs text-slate-600">invited</span>
            </span>
            <button type="button" onClick={() => void withdraw(invite.handle)} className="rounded border border-slate-300 px-2 py-0.5 text-xs">
              Withdraw invite to @{invite.handle}
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
    </>
  );
}

/** Block with a confirmation, then "Blocked — Unblock" so the state is visible and reversible. */
function BlockControl({ handle }: { handle: string }) {
  const client = useChatClient();
  const blocked = useChat((state) => (state.blocked === null ? null : state.blocked.includes(handle)));
  const [error, setError] = useState<string | null>(null);
  const control = useRef<HTMLDivElement>(null);
  // Set by a change made here: the button that had focus is gone, so focus goes to the one that undoes it.
  const refocus = useRef(false);

  // Asked again on opening: a block made in another tab or device shows here.
  useEffect(() => void client?.loadBlocks().catch(() => {}), [client, handle]);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    control.current?.querySelector('button')?.focus();
  }, [blocked]);

  async function change(block: boolean) {
    if (!client) return;
    setError(null);
    refocus.current = true;
    try {
      await client.setBlock(handle, block);
    } catch (failure) {
      refocus.current = false;
      setError((failure as Error).message);
    }
  }

  if (blocked === null) return <p className="text-slate-600">Checking…</p>;
  return (
    <div ref={control}>
      {blocked ? (
        <p role="status" className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-red-800">Blocked</span> —
          <button type="button" onClick={() => void change(false)} className="rounded border border-slate-400 px-3 py-1">
            Unblock @{handle}
          </button>
        </p>
      ) : (
        <ConfirmButton
          label={`Block @${handle}`}
          question={`Block @${handle}? You will not see their messages, presence or typing, and they cannot message you.`}
          confirmLabel="Block"
          onConfirm={() => change(true)}
        />
      )}
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
