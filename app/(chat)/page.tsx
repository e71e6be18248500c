// The conversation list; the layout renders the chat.
export default function ChatHome() {
  return null;
}
