import { DELETED_ACCOUNT_NAME } from '@/lib/schemas';
import type { Actor } from '../auth/authenticate';
import { removeGroupMember } from '../groups/remove-group-member';
import { roomMemberIds } from '../rooms/room-members';
import { endSessionSubscriptions } from '../notifications/push-subscriptions';
import { presenceAudience } from '../safety/visibility';
import { type AvatarDeps, removeAvatar } from './change-avatar';
import { checkCurrentPassword } from './change-password';
import { publicUserSelect, toPublicUser } from './public-user';
import { announceProfile } from './update-profile';


/**
 * Deletes the caller's account once its password is given (a session alone is not enough: a borrowed
 * laptop must not end someone's account). The person leaves every group (each group is told, as when
 * anyone leaves), their picture goes, every session ends everywhere, push stops, and sign-in is refused
 * as for an unknown name. What they wrote stays in others' conversations, as any chat keeps what was
 * said to you, shown under "Deleted account"; their direct conversations stay readable for the other
 * person, who can no longer write there. The handle stays taken, so nobody can come back as them.
 */
export async function deleteAccount(deps: AvatarDeps, actor: Actor, password: string, clientIp: string): Promise<void> {
  await checkCurrentPassword(deps, actor, password, clientIp, 'The password is wrong.');
  await removeAvatar(deps, actor);
  // Who sees their name now: people who share only a group with them are no longer peers once they left it.
  const peers = await presenceAudience(deps.db, actor.userId);
  // Left before the account is marked: a failure on the way leaves an account that can try again.
  const leaveGroups = async () => {
    const groups = await deps.db.roomMember.findMany({ where: { userId: actor.userId, room: { kind: 'group' } }, select: { roomId: true } });
    for (const { roomId } of groups) await removeGroupMember(actor, roomId, actor.handle);
  };
  await leaveGroups();

  const direct = await deps.db.roomMember.findMany({ where: { userId: actor.userId, room: { kind: 'direct' } }, select: { roomId: true } });
  const { user, invitedTo } = await deps.db.$transaction(async (tx) => {
    const deleted = await tx.user.update({
      where: { id: actor.userId },
      // No password hash is kept: nothing could sign in with it, and nothing of it should outlive the account.
      // Nor a role: a deleted admin would still count as a moderator (held links waiting on nobody).
      data: { deletedAt: new Date(), displayName: DELETED_ACCOUNT_NAME, password: '', role: 'user' },
      select: publicUserSelect,
    });
    const invites = { OR: [{ userId: actor.userId }, { inviterId: actor.userId }] };
    const invitedTo = await tx.groupInvite.findMany({ where: invites, select: { roomId: true } });
    await tx.groupInvite.deleteMany({ where: invites });
    await tx.deviceSession.updateMany({ where: { userId: actor.userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await endSessionSubscriptions(tx, { userId: actor.userId });
    return { user: toPublicUser(deleted), invitedTo: [...new Set(invitedTo.map((invite) => invite.roomId))] };
  });
  // Added to a group meanwhile (nobody can add them now): left as well.
  await leaveGroups();
  // The people they talked with see the new name live (their lists, their histories, their composers).
  await announceProfile(deps, actor.userId, user, peers);
  // Their direct conversations now take no messages (and requests from them are gone): the other side's lists say so.
  for (const { roomId } of direct) deps.broadcaster.toUsers(await roomMemberIds(deps.db, roomId), 'room:updated', { roomId });
  // Groups whose open invites lapsed list them no more.
  for (const roomId of invitedTo) deps.broadcaster.toUsers(await roomMemberIds(deps.db, roomId), 'room:updated', { roomId });
  await deps.broadcaster.disconnectUser(actor.userId);
}
