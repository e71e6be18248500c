// One conversation, deep-linkable; the layout renders the chat and opens the room named in the URL.
export default function ConversationPage() {
  return null;
}
