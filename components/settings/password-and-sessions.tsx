'use client';

import { useState } from 'react';
import { PasswordForm } from './password-form';
import { SessionList } from './session-list';

/** A changed password signs the other devices out: the sessions listed below then reload. */
export function PasswordAndSessions() {
  const [passwordChanges, setPasswordChanges] = useState(0);
  return (
    <>
      <PasswordForm onChanged={() => setPasswordChanges((count) => count + 1)} />
      <SessionList version={passwordChanges} />
    </>
  );
}
