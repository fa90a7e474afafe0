-- Access tokens carry the version they were issued under; logout and a
-- password change bump it, which revokes every access token issued before.
ALTER TABLE "users" ADD COLUMN "token_version" INTEGER NOT NULL DEFAULT 0;
