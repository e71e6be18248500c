import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { ThemeSync } from '@/components/ui/theme';
import './globals.css';

export const metadata: Metadata = {
  // Each page names itself first ("Settings – Relay"); the chat names the open conversation (use-tab-badge.ts).
  title: { default: 'Relay', template: '%s – Relay' },
  description: 'Real-time chat that never loses a message.',
  icons: { icon: '/favicon.svg' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#4338ca' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="h-full bg-slate-50 text-slate-900 antialiased">
        <ThemeSync />
        {children}
      </body>
    </html>
  );
}
