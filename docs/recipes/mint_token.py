#!/usr/bin/python3
"""Mint a wellness_tenancy tenant token (Python standard library only).

The application's backend mints one per request, after it has authenticated
the user and mapped the user's company to its tenant schema, and presents it
with SELECT wt_enter_tenant(%s) as a bind parameter.  The key is one of
wellness_tenancy.token_keys (<key id>:<hex secret>); the database role never
sees it.

    mint_token.py <key id> <hex secret> <tenant> [ttl seconds, default 60]
"""
import base64
import hashlib
import hmac
import secrets
import sys
import time


def mint_token(key_id: str, secret: bytes, tenant: str, ttl_seconds: int = 60) -> str:
    """Returns v1.<key id>.<tenant>.<expiry>.<nonce>.<base64url HMAC-SHA256>."""
    expiry = int(time.time()) + ttl_seconds
    nonce = secrets.token_urlsafe(12)
    signed = f"v1.{key_id}.{tenant}.{expiry}.{nonce}"
    digest = hmac.new(secret, signed.encode("ascii"), hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return f"{signed}.{signature}"


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    ttl = int(sys.argv[4]) if len(sys.argv) == 5 else 60
    print(mint_token(sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3], ttl))
