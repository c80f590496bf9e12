// Package devpg finds or starts a Postgres for development, so that
// `make run` works on a fresh machine without any setup.
//
// Ensure tries, in order:
//
//  1. DATABASE_URL, used as is;
//  2. a server on 127.0.0.1:5432 that lets user postgres in without a
//     password (the database voc is created there if missing);
//  3. a private cluster under .voc/pgdata, created with initdb on first use
//     and started with pg_ctl on 127.0.0.1.
//
// It is meant for development only: the private cluster trusts every local
// connection. Production sets DATABASE_URL.
package devpg
