// Grants or revokes the admin role from the command line, against the configured database:
//   npm run admin -- grant <handle>   |   npm run admin -- revoke <handle>   |   npm run admin -- list
// With the embedded database, stop the app first (one process owns the data directory), or use
// RELAY_ADMINS=<handle> and restart.
import { openDatabase } from '../server/db/open-database';
import { loadDatabaseEnv } from '../server/env';
import { grantAdmins } from '../server/moderation/grant-admin';

const [command, handle] = process.argv.slice(2);
if (!['grant', 'revoke', 'list'].includes(command ?? '') || (command !== 'list' && !handle)) {
  console.error('usage: npm run admin -- grant <handle> | revoke <handle> | list');
  process.exit(2);
}

const database = await openDatabase(loadDatabaseEnv());
try {
  if (command === 'grant') {
    const granted = await grantAdmins(database.db, handle, () => {});
    if (granted.length === 0) throw new Error(`no user "${handle}"`);
    console.log(`@${granted[0]} is now an admin`);
  } else if (command === 'revoke') {
    const { count } = await database.db.user.updateMany({ where: { handle: handle.toLowerCase(), role: 'admin' }, data: { role: 'user' } });
    if (count === 0) throw new Error(`"${handle}" is not an admin`);
    console.log(`@${handle} is no longer an admin`);
  } else {
    const admins = await database.db.user.findMany({ where: { role: 'admin' }, select: { handle: true }, orderBy: { handle: 'asc' } });
    console.log(admins.map((admin) => `@${admin.handle}`).join('\n') || '(no admins)');
  }
} catch (error) {
  console.error(`admin: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
