#!/bin/sh
# Entry point of compose's `s3` service: writes SeaweedFS's S3 identities file from
# S3_ACCESS_KEY and S3_SECRET_KEY (so no key is ever in a committed file), then runs
# `weed <arguments> -s3.config=<that file>`.
set -eu

: "${S3_ACCESS_KEY:?S3_ACCESS_KEY is not set}"
: "${S3_SECRET_KEY:?S3_SECRET_KEY is not set}"
for key in "$S3_ACCESS_KEY" "$S3_SECRET_KEY"; do
  case "$key" in
    *[!A-Za-z0-9_.~+=/-]*)
      echo "S3 keys may only hold letters, digits and _ . ~ + = / -" >&2
      exit 1
      ;;
  esac
done

identities="${S3_IDENTITIES_FILE:-/tmp/seaweedfs-identities.json}"
umask 077
printf '{"identities":[{"name":"app","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","List","Tagging","Write"]}]}\n' \
  "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >"$identities"

exec weed "$@" -s3.config="$identities"
