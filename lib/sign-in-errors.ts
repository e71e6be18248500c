// What a refused browser sign-in says. next-auth passes the message of an error thrown in
// authorize() to the page as `error`, so the server throws these codes and the form words them.
export const SIGN_IN_ERRORS = {
  RateLimited: 'Too many attempts, try again in a minute.',
  Suspended: 'This account is suspended.',
  Banned: 'This account is banned.',
  CredentialsSignin: 'Wrong username or password.',
} as const;

export type SignInErrorCode = keyof typeof SIGN_IN_ERRORS;

export const signInErrorText = (code: string) =>
  code in SIGN_IN_ERRORS ? SIGN_IN_ERRORS[code as SignInErrorCode] : 'Could not sign in. Please try again.';
