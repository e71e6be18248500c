import Link from 'next/link';

/** A page's title with the way back to the chat. */
export function PageHeader({ title }: { title: string }) {
  return (
    <header className="flex items-center justify-between">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <Link href="/" className="text-indigo-700 underline">
        Back to chat
      </Link>
    </header>
  );
}
