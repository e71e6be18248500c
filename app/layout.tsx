import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { ThemeSync } from '@/components/ui/theme';
import './globals.css';

export const metadata: Metadata = {
  title: 'Relay',
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
