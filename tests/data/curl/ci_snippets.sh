#!/usr/bin/env bash
# Lines lifted from CI jobs of other services.
curl --fail -sS -X POST -H "Circle-Token: $CIRCLE_TOKEN" https://circleci.com/api/v2/project/gh/example/app/pipeline
curl -sS -H "Authorization: token $GITHUB_TOKEN" -H 'Accept: application/vnd.github+json' \
  "https://api.github.com/repos/${GITHUB_REPOSITORY}/issues/${PR}/comments" -d "$(jq -n --arg b "$BODY" '{body: $b}')"
curl -sSf -X POST "https://sentry.example.com/api/0/organizations/acme/releases/" -H "Authorization: Bearer $SENTRY" --json "{\"version\": \"$SHA\"}"
curl -s --upload-file coverage.xml "https://codecov.example.com/upload/v4?commit=$SHA&token=$CODECOV_TOKEN"
curl -s "https://hub.docker.com/v2/repositories/library/python/tags/?page_size=5" | jq -r '.results[].name'
curl -s -X POST https://hooks.slack.com/services/T000/B000/XXX -d "payload={\"text\": \"done\"}"
curl -sS https://api.cloudflare.com/client/v4/zones/$ZONE/purge_cache -H "Authorization: Bearer $CF" --data '{"purge_everything":true}'
curl -s "http://consul.service:8500/v1/kv/app/config?raw"
curl -s --unix-socket /var/run/docker.sock http://localhost/v1.43/containers/json
curl -s -X PUT "http://vault.example.com:8200/v1/secret/data/app" -H "X-Vault-Token: $VAULT_TOKEN" -d @payload.json
