import { humanSize } from './file-size';
import type { DraftFile } from './schemas';

export type UploadHandle = { done: Promise<DraftFile>; abort: () => void };

/** Why an upload failed; `retryable` when trying again may work (no connection, a busy or failing server), not for a refusal of the file. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * Uploads one file to a conversation (POST /rooms/:roomId/attachments, field `file`). XMLHttpRequest
 * rather than fetch: only it reports upload progress. Fails with the server's message (413 too_large
 * names the limit), or "Upload cancelled" when aborted; says whether trying again may help.
 */
export function uploadAttachment(roomId: string, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<DraftFile>((resolve, reject) => {
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 201 && body?.attachment) return resolve({ ...body.attachment, expiresAt: onThisClock(body.expiresAt, xhr.getResponseHeader('date')) });
      reject(new UploadError(uploadError(xhr.status, body), xhr.status >= 500 || xhr.status === 429 || xhr.status === 408));
    };
    xhr.onerror = () => reject(new UploadError('Upload failed: no connection to the server', true));
    xhr.onabort = () => reject(new UploadError('Upload cancelled', true));
  });
  xhr.open('POST', `/api/v1/rooms/${encodeURIComponent(roomId)}/attachments`);
  const form = new FormData();
  form.append('file', file, file.name);
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}

/** The server's `expiresAt` as this device's clock will read it: as long after now as it was after the server's now. */
function onThisClock(expiresAt: string, serverDate: string | null): string {
  const serverNow = Date.parse(serverDate ?? '');
  return Number.isNaN(serverNow) ? expiresAt : new Date(Date.now() + Date.parse(expiresAt) - serverNow).toISOString();
}

function parse(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function uploadError(status: number, body: { error?: { code?: string; message?: string; maxBytes?: number } } | null): string {
  const error = body?.error;
  // Over the byte limit: said in MB. Other refusals (an image of too many pixels) say their own reason.
  if (error?.maxBytes) return `Too large: at most ${humanSize(error.maxBytes)}`;
  if (error?.message) return error.message;
  return status === 413 ? 'Too large' : `Upload failed (${status})`;
}
