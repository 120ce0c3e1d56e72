import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { CachedSecretProvider, keyVaultReader } from '../../shared/secrets/secretProvider.js';
import { startKeyVault, type TestKeyVault } from '../support/keyVault.js';

let vault: TestKeyVault;

before(async () => {
  vault = await startKeyVault({ 'siem-token': 'first-value' });
  Object.assign(process.env, vault.identityEnv);
});
after(() => vault.close());

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
