import { jsonResponse } from '@/server/http/json-response';
// Unknown API paths outside /api/v1 (and /api itself) answer in the API's own error shape too, not with Next's HTML 404 page.
const notFound = async () => jsonResponse({ error: { code: 'not_found', message: 'No such API endpoint.' } }, { status: 404 });

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
