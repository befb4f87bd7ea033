#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded offline.
# `prisma generate` does not use it; anything that would (prisma migrate) must not run
# against it, so it fails loudly instead of pretending to succeed.
echo "prisma schema engine is not installed here; use 'npm run db:migrate' (Stratum's runner)" >&2
exit 1
