import { open, rm } from 'node:fs/promises';
import { AppError } from '@/lib/errors';

export type ReceivedFile = { name: string; size: number };

// Bytes a multipart body may spend on anything but the file (boundaries, headers, other fields).
export const MULTIPART_OVERHEAD = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

export const tooLarge = (maxBytes: number) =>
  new AppError('too_large', `The file is larger than the ${maxBytes}-byte limit.`, { maxBytes });

/**
 * Reads and drops what is left of a refused upload, so the client gets its 413 instead of a reset
 * connection (a server that answers and closes while the client still sends resets it). Nothing is kept;
 * past `maxBytes` more it gives up and the client may see the reset.
 */
export async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<void> {
  let dropped = 0;
  while (dropped <= maxBytes) {
    const { done, value } = await reader.read();
    if (done) return;
    dropped += value.length;
  }
  await reader.cancel().catch(() => {});
}

/**
 * Streams the multipart/form-data part named `file` into `target`, counting its bytes as they come:
 * past `maxBytes` it stops reading, removes what it wrote and throws too_large, so no more than the
 * limit is ever held or kept. Only the boundary's tail is carried between chunks.
 */
export async function receiveFile(
  body: ReadableStream<Uint8Array> | null,
  contentType: string | null,
  target: string,
  maxBytes: number,
): Promise<ReceivedFile> {
  const boundary = /^multipart\/form-data\b.*;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  if (!body || !boundary) throw new AppError('bad_request', 'Send the file as multipart/form-data in a field named "file".');
  const delimiter = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  const file = await open(target, 'w');
  const reader = body.getReader();
  // A leading CRLF lets the first boundary, which has none before it, match like the others.
  let buffer: Buffer = Buffer.from(CRLF);
  let state: 'preamble' | 'boundary' | 'headers' | 'skip' | 'file' = 'preamble';
  let overhead = 0;
  let size = 0;
  let name = '';
  let complete = false;
  try {
    while (!complete) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer = Buffer.concat([buffer, value]);
      // Consume as much of the buffer as can be decided now.
      for (;;) {
        if (state === 'boundary') {
          if (buffer.length < 2) break;
          if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
            complete = true; // "--": the last boundary, and no file part came.
            break;
          }
          buffer = buffer.subarray(2);
          state = 'headers';
          continue;
        }
        if (state === 'headers') {
          const end = buffer.indexOf(HEADERS_END);
          if (end === -1) break;
          overhead += end;
          const part = parsePartHeaders(buffer.subarray(0, end).toString('utf8'));
          buffer = buffer.subarray(end + HEADERS_END.length);
          state = part.field === 'file' && part.filename !== undefined ? 'file' : 'skip';
          name = part.filename ?? '';
          continue;
        }
        // preamble, skip or file: data up to the next boundary.
        const at = buffer.indexOf(delimiter);
        const usable = at === -1 ? Math.max(0, buffer.length - delimiter.length + 1) : at;
        const data = buffer.subarray(0, usable);
        if (state === 'file') {
          size += data.length;
          if (size > maxBytes) {
            await discardRest(reader, 2 * maxBytes + MULTIPART_OVERHEAD);
            throw tooLarge(maxBytes);
          }
          if (data.length > 0) await file.write(data);
        } else {
          overhead += data.length;
        }
        if (at === -1) {
          buffer = Buffer.from(buffer.subarray(usable));
          break;
        }
        buffer = buffer.subarray(at + delimiter.length);
        if (state === 'file') {
          complete = true;
          break;
        }
        state = 'boundary';
      }
      if (overhead > MULTIPART_OVERHEAD || (state === 'headers' && buffer.length > MULTIPART_OVERHEAD)) {
        throw new AppError('bad_request', 'The upload holds too much besides the file.');
      }
    }
    if (!complete || state !== 'file') throw new AppError('bad_request', 'Send the file as multipart/form-data in a field named "file".');
    return { name, size };
  } catch (error) {
    await file.close();
    await rm(target, { force: true });
    throw error;
  } finally {
    // Whatever is left unread (the epilogue, or the rest of a refused upload) is discarded by the server.
    reader.releaseLock();
    await file.close().catch(() => {});
  }
}

function parsePartHeaders(text: string): { field?: string; filename?: string } {
  const disposition = text.split('\r\n').find((line) => /^content-disposition:/i.test(line)) ?? '';
  const param = (key: string) => new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition)?.[1];
  // Browsers write a name's ", CR and LF as %22, %0D and %0A (the HTML standard's form encoding).
  const filename = param('filename')?.replace(/%(22|0D|0A)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return { field: param('name'), filename };
}
