// The client bench's baseline (bench/client-incoming.ts): a bare page on a bare Socket.IO server. POST
// /messages takes `{ message }` (the shape of Relay's `message:new`) and emits it to every socket, as
// Relay's REST send pushes to the open conversation; GET / is a page that appends each message as an
// <li> with sender, text and time, and nothing else. No auth, no storage. Prints `ready <port>`.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare</title></head>
<body>
<ol aria-label="Messages"></ol>
<script src="/socket.io/socket.io.js"></script>
<script>
  // One formatter, made once, as a careful client would.
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const list = document.querySelector('ol');
  const socket = io({ transports: ['websocket'] });
  socket.on('message:new', ({ message }) => {
    const row = document.createElement('li');
    row.dataset.messageId = message.id;
    const sender = document.createElement('b');
    sender.textContent = message.sender;
    const text = document.createElement('span');
    text.textContent = ' ' + message.body + ' ';
    const at = document.createElement('time');
    at.dateTime = message.createdAt;
    at.textContent = time.format(new Date(message.createdAt));
    row.append(sender, text, at);
    list.append(row);
  });
  socket.on('connect', () => document.body.dataset.connected = 'true');
</script>
</body></html>`;

const http = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/') return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  if (request.method !== 'POST' || request.url !== '/messages') return void response.writeHead(404).end();
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const { message } = JSON.parse(body);
    io.emit('message:new', { message });
    response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
  });
});
const io = new Server(http);

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
