'use client';

import { useEffect, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { Contact } from '@/lib/schemas';
import { useChat, useChatStore } from '../providers/chat-provider';
import { openDirect } from './open-direct';

/** The 15 people talked with most recently, refreshed whenever the conversation list changes. */
export function ContactList() {
  const store = useChatStore();
  const rooms = useChat((state) => state.rooms);
  const [contacts, setContacts] = useState<Contact[]>([]);

  useEffect(() => {
    const timer = setTimeout(() => {
      apiFetch<{ contacts: Contact[] }>('/api/v1/contacts')
        .then((reply) => setContacts(reply.contacts))
        .catch(() => {});
    }, 300);
    return () => clearTimeout(timer);
  }, [rooms]);

  if (contacts.length === 0) return null;
  return (
    <section aria-label="Contacts" className="border-t border-slate-200 p-3">
      <h3 className="mb-1 text-xs font-medium uppercase text-slate-600">Contacts</h3>
      <ul className="flex flex-wrap gap-1">
        {contacts.map((contact) => (
          <li key={contact.handle}>
            {/* At least 24 px tall, for a thumb (WCAG 2.2 target size), though its words are small print. */}
            <button
              type="button"
              onClick={() => openDirect(store, contact)}
              className="inline-flex min-h-6 items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs hover:bg-slate-200"
            >
              {contact.displayName}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
