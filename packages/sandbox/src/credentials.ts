/**
 * The dummy credentials every SDK client uses to reach the sandbox. The sandbox never verifies a
 * signature (it has no secrets), but the SDK refuses to sign without credentials, and a recognisable
 * access key id makes a request that reached real AWS by mistake fail instead of acting on an account.
 *
 * Give a client a copy (`{ ...SANDBOX_CREDENTIALS }`): the SDK writes its own bookkeeping (`$source`)
 * onto the credentials object it is handed, which must neither fail on a frozen object nor leak
 * between clients.
 */
export const SANDBOX_CREDENTIALS: Readonly<{ accessKeyId: string; secretAccessKey: string }> = {
  accessKeyId: 'AKIASANDBOXEXAMPLE',
  secretAccessKey: 'sandbox-secret-key',
};
