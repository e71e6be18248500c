'use client';

import { AuditLog } from './audit-log';
import { DirectorySearch } from './directory-search';
import { HeldQueue } from './held-queue';
import { ReportQueue } from './report-queue';

/** The moderation page: reports, held messages, people and rooms, and the audit log. */
export function ModerationConsole() {
  return (
    <>
      <ReportQueue />
      <HeldQueue />
      <DirectorySearch />
      <AuditLog />
    </>
  );
}
