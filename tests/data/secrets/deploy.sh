#!/bin/bash
# Planted secrets (tests/test_secrets.py): no value here may reach a report.
set -eu
HOST=https://acme.datamimic.io
TOK=Zq81mXv7Lp2Rs9Ka
export DATAMIMIC_TOKEN=dmt-4Hn7Qw2Er9Ty6U
curl -s "$HOST/api/v1/p1/files" -H "Authorization: Bearer $TOK"
API_KEY="ak-5Hs9Lp3Qe1TzWe"
readonly CLIENT_SECRET='cs-Wq8Er4Ty6Ui2Oa'
PASSWORD=pw-Rt5Yu7Io9Pa1Sd
curl -s "$HOST/api/v1/p1/info" -H Authorization:\ Bearer\ bs-Xc3Vb5Nm7Kl9Df
curl -s "$HOST/api/v1/p1/info" -H 'Authorization: Bearer '"qc-Zx4Cv6Bn8Mq2Fg"
curl -s "$HOST/api/v1/p1/info" -H "Authorization: Bearer ${DATAMIMIC_TOKEN:-df-Gh2Jk4Lz6Xc8Gh}"
curl -s "$HOST/api/v1/p1/info" -H "Authorization: Basic YWRtaW46YmFzaWMtUHc5WHEzSHE="
curl -s "$HOST/api/v1/p1/info" -H "Authorization: Token tk-Mn8Bv6Cx4Za2Hj"
curl -s "$HOST/api/v1/p1/info" -H "PRIVATE-TOKEN: glpat-Qw3Er5Ty7Ui9Op1Ak"
curl -s "$HOST/api/v1/p1/info" -H "Cookie: session=ck-Lk9Jh7Gf5Ds3Jl; csrftoken=cf-Pq1Wo2Ei3Ru4Kz"
curl -s "https://svc:up-Ty6Ui8Op0As2Lx@acme.datamimic.io/api/v1/p1/info"
curl -s "$HOST/api/v1/p1/info?auth=qa-Df4Gh6Jk8Lm0Mc"
curl -s "$HOST/api/v1/p1/info?x=1&sig=sg-Ab1Cd3Ef5Gh7Nv"
curl -s "$HOST/api/v1/p1/files?token=qt-Zy9Xw7Vu5Ts3Pb"
curl -s -u admin:ua-Hunter2Hunter2 "$HOST/api/v1/p1/info"
curl -s "$HOST/api/v1/p1/info" -H "X-Api-Key: xk-Rf5Tg7Yh9Uj1Qn"
curl -s "$HOST/api/v1/p1/generate" -d '{"task_type": "standard", "password": "jp-Ed3Rf5Tg7Yh9Rm"}'
curl -s "$HOST/api/v1/p1/info" --oauth2-bearer ob-Kj7Hg5Fd3Sa1Tq
curl -s "$HOST/api/v1/p1/info" -b "sessionid=sb-Nh6Mj8Kl0Po2Vw"
AUTH_HEADER="Authorization: Bearer ah-Vf4Bg6Nh8Mj0We"
curl -s "$HOST/api/v1/p1/info" -H "$AUTH_HEADER"
curl -s "$HOST/api/v1/p1/info" -H "Authorization: Bearer $(cat token.txt)" -H "X-Trace: $TRACE_ID"
