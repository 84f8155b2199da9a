#!/usr/bin/env node
// Mint a wellness_tenancy tenant token with Node's crypto module.
//
// The application's backend mints one per request, after it has
// authenticated the user and mapped the user's company to its tenant schema,
// and presents it with `SELECT wt_enter_tenant($1)` as a bind parameter.
// The key is one of wellness_tenancy.token_keys (<key id>:<hex secret>); the
// database role never sees it.
//
//     mint_token.js <key id> <hex secret> <tenant> [ttl seconds, default 60]
'use strict';
const crypto = require('crypto');

// Returns v1.<key id>.<tenant>.<expiry>.<nonce>.<base64url HMAC-SHA256>.
function mintToken(keyId, secret, tenant, ttlSeconds = 60) {
  const expiry = Math.floor(Date.now() / 1000) + ttlSeconds;
  const nonce = crypto.randomBytes(12).toString('base64url');
  const signed = `v1.${keyId}.${tenant}.${expiry}.${nonce}`;
  const signature = crypto.createHmac('sha256', secret).update(signed, 'ascii').digest('base64url');
  return `${signed}.${signature}`;
}

module.exports = { mintToken };

if (require.main === module) {
  const [keyId, hexSecret, tenant, ttl] = process.argv.slice(2);
  if (!tenant) {
    console.error('usage: mint_token.js <key id> <hex secret> <tenant> [ttl seconds]');
    process.exit(2);
  }
  console.log(mintToken(keyId, Buffer.from(hexSecret, 'hex'), tenant, ttl === undefined ? 60 : Number(ttl)));
}
