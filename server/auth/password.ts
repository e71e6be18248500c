import bcrypt from 'bcryptjs';

const COST = 10;
// Compared against when the user does not exist, so a miss costs as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('relay-dummy-password', COST);

export const hashPassword = (password: string) => bcrypt.hash(password, COST);

export async function checkPassword(password: string, hash: string | undefined): Promise<boolean> {
  const matches = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return matches && hash !== undefined;
}
