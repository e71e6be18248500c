'use client';

import { useState } from 'react';
import { AuditLog } from './audit-log';
import { DirectorySearch } from './directory-search';
import { HeldQueue } from './held-queue';
import { ModerationChanges } from './moderation-changes';
import { ReportQueue } from './report-queue';

/** The moderation page: reports, held messages, people and rooms, and the audit log. */
export function ModerationConsole() {
  const [version, setVersion] = useState(0);
  return (
    <ModerationChanges.Provider value={{ version, changed: () => setVersion((count) => count + 1) }}>
      <ReportQueue />
      <HeldQueue />
      <DirectorySearch />
      <AuditLog />
    </ModerationChanges.Provider>
  );
}
