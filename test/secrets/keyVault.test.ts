import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { CachedSecretProvider, keyVaultReader } from '../../shared/secrets/secretProvider.js';
import { SecretUnavailableError } from '../../shared/secrets/secretReader.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { startSilentServer } from '../support/silentServer.js';

let identity: TestIdentity;
let vault: TestKeyVault;

before(async () => {
  identity = await startManagedIdentity();
  vault = await startKeyVault({ 'siem-token': 'first-value' }, identity);
  Object.assign(process.env, vault.identityEnv);
});
after(async () => {
  await vault.close();
  await identity.close();
});

function provider(ttlMs = 60_000) {
  const reader = keyVaultReader(`${vault.url}`, 'siem-token', new ManagedIdentityCredential(), {
    tlsOptions: { ca: vault.ca },
    disableChallengeResourceVerification: true,
  });
  return new CachedSecretProvider(reader, ttlMs);
}

test('reads the secret through the real SecretClient and managed identity, then serves it from memory', async () => {
  const secrets = provider();
  const before = vault.reads();
  assert.equal((await secrets.get()).reveal(), 'first-value');
  assert.equal((await secrets.get()).reveal(), 'first-value');
  assert.equal(vault.reads() - before, 1);
});

test('a secret saved from a file is read without its trailing line breaks and byte-order mark', async () => {
  vault.secrets.set('from-file', '\ufeffsaved-with-newline\r\n\n');
  vault.secrets.set('only-newline', '\n');
  const reader = (name: string) =>
    keyVaultReader(vault.url, name, new ManagedIdentityCredential(), {
      tlsOptions: { ca: vault.ca },
      disableChallengeResourceVerification: true,
    });
  assert.equal(await reader('from-file').read(), 'saved-with-newline');
  await assert.rejects(reader('only-newline').read(), /secret "only-newline" in .* is empty/);
});

test('a Key Vault or identity endpoint that takes the connection and never answers fails the read at its time limit', async () => {
  const silent = await startSilentServer();
  try {
    const vaultOptions = { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true };
    const hangingVault = keyVaultReader(
      silent.url.replace('http:', 'https:'),
      'siem-token',
      new ManagedIdentityCredential(),
      vaultOptions,
      300,
    );
    await assert.rejects(
      hangingVault.read(),
      (error: Error) =>
        error instanceof SecretUnavailableError && /"siem-token".*did not answer within 300 ms/.test(error.message),
    );
    // @azure/identity does not heed an abort signal while it waits for the identity endpoint. A user-assigned
    // identity of its own, so that no token cached by the tests before serves instead.
    identity.hanging = true;
    const hangingIdentity = keyVaultReader(
      vault.url,
      'siem-token',
      new ManagedIdentityCredential({ clientId: randomUUID() }),
      vaultOptions,
      300,
    );
    await assert.rejects(hangingIdentity.read(), /did not answer within 300 ms/);
  } finally {
    identity.hanging = false;
    await silent.close();
  }
});
